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
    const stamp = e.timestamp;
    // Anything but a string or a number (true, {}, null) is a bad row, not a crash.
    const time = typeof stamp === 'string' || typeof stamp === 'number' ? parseTimestamp(stamp) : NaN;
    const typeName = e.eventType ?? e.event_type;
    // Absent means a view; a name that is not a string (7, {}) is as unknown as a misspelt one.
    const type =
      typeName === undefined || typeName === null
        ? parseEventType(undefined)
        : typeof typeName === 'string'
          ? parseEventType(typeName)
          : -1;
    if (!user) quality.reject('neither userId nor sessionId', lineNo);
    else if (!item) quality.reject('no itemId', lineNo);
    else if (!Number.isFinite(time))
      quality.reject('timestamp is not epoch seconds, epoch ms or ISO-8601', lineNo);
    else if (type < 0) quality.reject(`unknown eventType ${JSON.stringify(typeName)}`, lineNo);
    else {
      builder.add(user, item, time, type, text(e.orderId ?? e.order_id) || undefined);
      quality.ok();
    }
  }
  return { data: builder.build(), quality: quality.report() };
}
