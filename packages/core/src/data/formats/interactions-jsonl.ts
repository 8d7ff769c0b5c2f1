import { InteractionsBuilder } from '../interactions.js';
import type { ParsedInteractions } from './interactions-csv.js';
import { parseEventType, parseTimestamp } from './fields.js';
import { QualityCounter } from './quality.js';

const text = (v: unknown): string =>
  typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';

/**
 * Interactions as JSON Lines, one event per line in the API's shape (PRODUCT.md §2): userId (or sessionId),
 * itemId, timestamp, eventType, orderId. snake_case names are accepted too.
 */
export async function parseInteractionsJsonl(lines: AsyncIterable<string>): Promise<ParsedInteractions> {
  const builder = new InteractionsBuilder();
  const quality = new QualityCounter();
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (!line.trim()) continue;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line);
    } catch {
      quality.reject('not valid JSON', lineNo);
      continue;
    }
    if (typeof e !== 'object' || e === null || Array.isArray(e)) {
      quality.reject('not a JSON object', lineNo);
      continue;
    }
    const user = text(e.userId ?? e.user_id) || text(e.sessionId ?? e.session_id);
    const item = text(e.itemId ?? e.item_id);
    const time = parseTimestamp((e.timestamp ?? '') as string | number);
    const typeName = e.eventType ?? e.event_type;
    const type = parseEventType(typeof typeName === 'string' ? typeName : undefined);
    if (!user) quality.reject('neither userId nor sessionId', lineNo);
    else if (!item) quality.reject('no itemId', lineNo);
    else if (!Number.isFinite(time))
      quality.reject('timestamp is not epoch seconds, epoch ms or ISO-8601', lineNo);
    else if (type < 0) quality.reject(`unknown eventType "${String(typeName)}"`, lineNo);
    else {
      builder.add(user, item, time, type, text(e.orderId ?? e.order_id) || undefined);
      quality.ok();
    }
  }
  return { data: builder.build(), quality: quality.report() };
}
