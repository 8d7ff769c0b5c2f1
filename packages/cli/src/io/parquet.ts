import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';

/**
 * The rows of a Parquet file as objects (column name → value), a row group at a time, so that a large
 * file is never all in memory. Values are as hyparquet decodes them: 64-bit integers as bigint, timestamps
 * as Date, lists as arrays.
 */
export async function* parquetRows(path: string): AsyncGenerator<Record<string, unknown>> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file).catch((error: Error) => {
    throw new Error(`${path} is not a Parquet file Gu can read: ${error.message}`);
  });
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    yield* await parquetReadObjects({ file, metadata, rowStart, rowEnd });
    rowStart = rowEnd;
  }
}

/** A value as the API takes it (JSON's kinds): a bigint as a number, a Date as epoch ms, lists item by item. */
const plain = (v: unknown): unknown =>
  typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : Array.isArray(v) ? v.map(plain) : v;

/** Column names (lower case, without _ - or spaces) of the API's fields, as shops' exports name them. */
const ITEM_COLUMNS: Record<string, string> = {
  itemid: 'itemId',
  productid: 'itemId',
  sku: 'itemId',
  title: 'title',
  name: 'title',
  categories: 'categories',
  category: 'categories',
  price: 'price',
  currency: 'currency',
  brand: 'brand',
  imageurl: 'imageUrl',
  image: 'imageUrl',
  createdat: 'createdAt',
  available: 'available',
};
const USER_COLUMNS: Record<string, string> = {
  userid: 'userId',
  customerid: 'userId',
  createdat: 'createdAt',
};
/** A user's personal data, which the user store keeps encrypted. */
const PERSONAL_COLUMNS: Record<string, string> = { email: 'email', name: 'name', phone: 'phone' };

/**
 * A flat row of a table (a column per field) in the API's shape: the API's fields by their names or the
 * names shops' exports give them (item_id, product_id, sku, category…), a category path in one text split
 * at > | /, a user's email, name and phone under personal (stored encrypted), and every other column among
 * the attributes. Empty cells are left out.
 */
export function apiRecord(row: Record<string, unknown>, kind: 'items' | 'users'): Record<string, unknown> {
  const fields = kind === 'items' ? ITEM_COLUMNS : USER_COLUMNS;
  const record: Record<string, unknown> = {};
  const attributes: Record<string, unknown> = {};
  const personal: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (value === null || value === undefined) continue;
    const key = column.toLowerCase().replace(/[_\s-]/g, '');
    const field = fields[key];
    if (field === 'categories' && typeof value === 'string')
      record.categories = value.split(/\s*[>|/]\s*/).filter(Boolean);
    else if (field) record[field] = plain(value);
    else if (kind === 'users' && PERSONAL_COLUMNS[key]) personal[PERSONAL_COLUMNS[key]] = plain(value);
    else attributes[column] = plain(value);
  }
  if (Object.keys(attributes).length) record.attributes = attributes;
  if (Object.keys(personal).length) record.personal = personal;
  return record;
}

/** Fields of a lake partition that the server sets, not the sender: the log's offset and the receive time. */
const SERVER_FIELDS = new Set(['offset', 'receivedAt']);

/**
 * A row of events (a Gu lake partition's, say) as the API takes an event: empty cells and what the server
 * sets left out, a context held as JSON text parsed.
 */
export function apiEvent(row: Record<string, unknown>): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(row)) {
    if (value === null || value === undefined || SERVER_FIELDS.has(field)) continue;
    event[field] = field === 'context' && typeof value === 'string' ? parseJson(value) : plain(value);
  }
  return event;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // left for the API's validation to name
  }
}
