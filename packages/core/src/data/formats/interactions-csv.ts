import { InteractionsBuilder, type Interactions } from '../interactions.js';
import { delimitedRows, parseEventType, parseTimestamp } from './fields.js';
import { QualityCounter, type DataQuality } from './quality.js';

export interface ParsedInteractions {
  data: Interactions;
  quality: DataQuality;
}

/** Header names accepted for each column (ours first, then common exports such as RetailRocket's). */
const COLUMNS = {
  user: [
    'user_id',
    'userid',
    'visitorid',
    'visitor_id',
    'household_id',
    'customer_id',
    'session_id',
    'sessionid',
  ],
  item: ['item_id', 'itemid', 'product_id', 'productid', 'sku'],
  time: ['timestamp', 'time', 'event_time', 'transaction_timestamp', 'date'],
  type: ['event_type', 'event', 'type'],
  basket: ['order_id', 'basket_id', 'transactionid', 'transaction_id', 'cart_id'],
};

/**
 * Interactions as CSV (PRODUCT.md §7): a header naming user_id, item_id, timestamp and optionally event_type
 * (default view) and order_id (basket). Comma, semicolon or tab separated. Bad rows are counted, not fatal.
 */
export async function parseInteractionsCsv(lines: AsyncIterable<string>): Promise<ParsedInteractions> {
  const builder = new InteractionsBuilder();
  const quality = new QualityCounter();
  for await (const { fields: f, line, col, width } of delimitedRows(
    lines,
    COLUMNS,
    ['user', 'item', 'time'],
    'CSV',
  )) {
    if (f.length < width) {
      quality.reject(`expected ${width} columns, found ${f.length}`, line);
      continue;
    }
    const [user, item] = [f[col.user].trim(), f[col.item].trim()];
    const time = parseTimestamp(f[col.time]);
    const type = col.type >= 0 ? parseEventType(f[col.type]) : 0;
    if (!user) quality.reject('empty user_id', line);
    else if (!item) quality.reject('empty item_id', line);
    else if (!Number.isFinite(time))
      quality.reject('timestamp is not epoch seconds, epoch ms or ISO-8601', line);
    else if (type < 0) quality.reject(`unknown event_type "${f[col.type].trim()}"`, line);
    else {
      builder.add(user, item, time, type, col.basket >= 0 ? f[col.basket].trim() : undefined);
      quality.ok();
    }
  }
  return { data: builder.build(), quality: quality.report() };
}
