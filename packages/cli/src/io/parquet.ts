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

const ITEM_FIELDS = new Set(['itemId', 'title', 'categories', 'price', 'currency', 'brand', 'imageUrl']);
const ITEM_FIELDS_TOO = ['createdAt', 'available'];
const PERSONAL_FIELDS = new Set(['email', 'name', 'phone']);

/**
 * A flat row of a table (a column per field) in the API's shape: the API's own fields as they are, the
 * personal ones (email, name, phone, for users) under personal, where they are encrypted, and every other
 * column among the attributes. Empty cells are left out.
 */
export function apiRecord(row: Record<string, unknown>, kind: 'items' | 'users'): Record<string, unknown> {
  const own =
    kind === 'items' ? new Set([...ITEM_FIELDS, ...ITEM_FIELDS_TOO]) : new Set(['userId', 'createdAt']);
  const record: Record<string, unknown> = {};
  const attributes: Record<string, unknown> = {};
  const personal: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    if (value === null || value === undefined) continue;
    if (own.has(name)) record[name] = plain(value);
    else if (kind === 'users' && PERSONAL_FIELDS.has(name)) personal[name] = plain(value);
    else attributes[name] = plain(value);
  }
  if (Object.keys(attributes).length) record.attributes = attributes;
  if (Object.keys(personal).length) record.personal = personal;
  return record;
}
