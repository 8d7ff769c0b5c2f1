import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdIndex } from '../id-index.js';
import { parseItemsCsv } from './items-csv.js';

async function* linesOf(...lines: string[]) {
  yield* lines;
}

test('catalog rows become attributes by item index; new items join the index', async () => {
  const items = new IdIndex(['b', 'z']);
  const { info, quality } = await parseItemsCsv(
    linesOf(
      'item_id,category,price,brand,available,created_at',
      'a,Food > Dairy > Milk,25000,Vinamilk,true,2017-01-28 19:06:53',
      'b,"Home/Kitchen",0,,no,',
      'c,,,,,',
    ),
    items,
  );
  assert.deepEqual(items.ids, ['b', 'z', 'a', 'c']);
  assert.deepEqual(Array.from(info), [
    { categories: ['Home', 'Kitchen'], price: 0, available: false },
    undefined, // z is not in the catalog
    {
      categories: ['Food', 'Dairy', 'Milk'],
      brand: 'Vinamilk',
      price: 25000,
      available: true,
      createdAt: Date.UTC(2017, 0, 28, 19, 6, 53),
    },
    { categories: [] },
  ]);
  assert.deepEqual([quality.rows, quality.valid], [3, 3]);
});

test('semicolons, tabs and the categories | separator; product_id and sku as the id', async () => {
  const semi = await parseItemsCsv(linesOf('sku;categories', 'x;A | B'), new IdIndex());
  assert.deepEqual(semi.info, [{ categories: ['A', 'B'] }]);
  const tab = await parseItemsCsv(linesOf('product_id\tprice', 'y\t12.5'), new IdIndex());
  assert.deepEqual(tab.info, [{ categories: [], price: 12.5 }]);
});

test('rows without an id or with a bad price are rejected; a header without item_id is an error', async () => {
  const { info, quality } = await parseItemsCsv(
    linesOf('item_id,price', ',100', 'a,-1', 'b,cheap', 'c,5'),
    new IdIndex(),
  );
  assert.deepEqual(info, [{ categories: [], price: 5 }]);
  assert.deepEqual(quality.errors, [
    { reason: 'price is not a number ≥ 0', count: 2, firstLine: 3 },
    { reason: 'empty item_id', count: 1, firstLine: 2 },
  ]);
  await assert.rejects(parseItemsCsv(linesOf('name,price'), new IdIndex()), /must name item_id/);
});
