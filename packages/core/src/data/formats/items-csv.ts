import type { ItemAttributes } from '../../domain/items.js';
import type { IdIndex } from '../id-index.js';
import { delimitedRows, parseTimestamp } from './fields.js';
import { QualityCounter, type DataQuality } from './quality.js';

const COLUMNS = {
  item: ['item_id', 'itemid', 'product_id', 'sku'],
  categories: ['categories', 'category', 'category_path'],
  price: ['price'],
  brand: ['brand'],
  available: ['available'],
  createdAt: ['created_at', 'createdat'],
};

/** Category paths are written root first, joined by `>`, `/` or `|`. */
const categoryPath = (value: string) =>
  value
    .split(/\s*[>|/]\s*/)
    .map((c) => c.trim())
    .filter(Boolean);

/**
 * A catalog CSV (item_id and any of categories, price, brand, available, created_at) as attributes by item
 * index. Items new to the index are added: catalog items nobody has touched yet still get ranked.
 */
export async function parseItemsCsv(
  lines: AsyncIterable<string>,
  items: IdIndex,
): Promise<{ info: (ItemAttributes | undefined)[]; quality: DataQuality }> {
  const info: (ItemAttributes | undefined)[] = [];
  const quality = new QualityCounter();
  for await (const { fields: f, line, col } of delimitedRows(lines, COLUMNS, ['item'], 'catalog CSV')) {
    const get = (c: number) => (c >= 0 ? (f[c] ?? '').trim() : '');
    const id = get(col.item);
    const price = get(col.price) ? Number(get(col.price)) : undefined;
    if (!id) quality.reject('empty item_id', line);
    else if (price !== undefined && !(price >= 0)) quality.reject('price is not a number ≥ 0', line);
    else {
      const created = get(col.createdAt) ? parseTimestamp(get(col.createdAt)) : NaN;
      info[items.intern(id)] = {
        categories: categoryPath(get(col.categories)),
        ...(get(col.brand) ? { brand: get(col.brand) } : {}),
        ...(price !== undefined ? { price } : {}),
        ...(get(col.available) ? { available: !/^(false|0|no)$/i.test(get(col.available)) } : {}),
        ...(Number.isFinite(created) ? { createdAt: created } : {}),
      };
      quality.ok();
    }
  }
  info.length = items.size;
  return { info, quality: quality.report() };
}
