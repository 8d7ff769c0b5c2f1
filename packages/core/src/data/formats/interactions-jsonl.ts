import { InteractionsBuilder } from '../interactions.js';
import type { ParsedInteractions } from './interactions-csv.js';
import { parseEventType, parseTimestamp } from './fields.js';
import { QualityCounter } from './quality.js';

/** A row's text field: strings trimmed, numbers (and a columnar file's 64-bit integers) written out. */
const text = (v: unknown): string =>
  typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'bigint' ? String(v) : '';

/** Epoch ms of a row's timestamp: epoch seconds or ms, ISO-8601, a 64-bit integer or a date; else NaN. */
function timeOf(stamp: unknown): number {
  if (typeof stamp === 'string' || typeof stamp === 'number') return parseTimestamp(stamp);
  if (typeof stamp === 'bigint') return parseTimestamp(Number(stamp));
  if (stamp instanceof Date) return stamp.getTime();
  return NaN; // true, {}, null: a bad row, not a crash
}

/** A place of an interactions file that holds no record, and why (a line that is not JSON, say). */
export class Unreadable {
  constructor(readonly reason: string) {}
}

/**
 * One record of an interactions file, an Unreadable place, or undefined for a place that holds nothing (a
 * blank line), counted so that later places keep their numbers.
 */
export type InteractionRecord = Record<string, unknown> | Unreadable | undefined;

/**
 * Interactions as records in the API's event shape (PRODUCT.md §2): userId (or sessionId), itemId,
 * timestamp, eventType, orderId; snake_case names are accepted too. Each record is checked on its own, and
 * a bad one is counted with its reason and place (from 1), never fatal.
 */
export async function parseInteractionRecords(
  records: AsyncIterable<InteractionRecord>,
): Promise<ParsedInteractions> {
  const builder = new InteractionsBuilder();
  const quality = new QualityCounter();
  let place = 0;
  for await (const e of records) {
    place++;
    if (e === undefined) continue;
    if (e instanceof Unreadable) {
      quality.reject(e.reason, place);
      continue;
    }
    const user = text(e.userId ?? e.user_id) || text(e.sessionId ?? e.session_id);
    const item = text(e.itemId ?? e.item_id);
    const time = timeOf(e.timestamp);
    const typeName = e.eventType ?? e.event_type;
    // Absent means a view; a name that is not a string (7, {}) is as unknown as a misspelt one.
    const type =
      typeName === undefined || typeName === null
        ? parseEventType(undefined)
        : typeof typeName === 'string'
          ? parseEventType(typeName)
          : -1;
    if (!user) quality.reject('neither userId nor sessionId', place);
    else if (!item) quality.reject('no itemId', place);
    else if (!Number.isFinite(time))
      quality.reject('timestamp is not epoch seconds, epoch ms or ISO-8601', place);
    else if (type < 0) quality.reject(`unknown eventType ${JSON.stringify(typeName)}`, place);
    else {
      builder.add(user, item, time, type, text(e.orderId ?? e.order_id) || undefined);
      quality.ok();
    }
  }
  return { data: builder.build(), quality: quality.report() };
}

/** Interactions as JSON Lines, one event per line (parseInteractionRecords); blank lines are passed over. */
export function parseInteractionsJsonl(lines: AsyncIterable<string>): Promise<ParsedInteractions> {
  return parseInteractionRecords(jsonLineRecords(lines));
}

/** Each line as a JSON object, Unreadable (not JSON, not an object), or undefined when blank. */
export async function* jsonLineRecords(lines: AsyncIterable<string>): AsyncGenerator<InteractionRecord> {
  for await (const line of lines) {
    if (!line.trim()) {
      yield undefined;
      continue;
    }
    let e: unknown;
    try {
      e = JSON.parse(line);
    } catch {
      yield new Unreadable('not valid JSON');
      continue;
    }
    yield typeof e === 'object' && e !== null && !Array.isArray(e)
      ? (e as Record<string, unknown>)
      : new Unreadable('not a JSON object');
  }
}
