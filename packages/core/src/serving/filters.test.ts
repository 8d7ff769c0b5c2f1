import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Item } from '../domain/items.js';
import { GuError } from '../errors.js';
import { CatalogIndex } from './catalog-index.js';
import { checkFilter, compileFilter, type FilterDefinition } from './filters.js';
import { Lru } from './lru.js';

const item = (itemId: string, over: Partial<Item> = {}): Item => ({
  itemId,
  title: `Item ${itemId}`,
  categories: ['Fashion', 'Shoes'],
  price: 100_000,
  currency: 'VND',
  brand: 'Apex',
  createdAt: 0,
  available: true,
  attributes: {},
  ...over,
});

const shoe = item('shoe', {
  brand: 'Apex',
  price: 500_000,
  attributes: { color: 'red', tags: ['sale', 'new'] },
});
const pan = item('pan', {
  categories: ['Home', 'Kitchen'],
  brand: 'Bold',
  price: 200_000,
  attributes: { color: 'blue', size: 28 },
});
const gone = item('gone', { available: false });

const def = (over: Partial<FilterDefinition>): FilterDefinition => ({
  name: 'f',
  include: [],
  exclude: [],
  ...over,
});
const codeOf = (code: string) => (e: unknown) => e instanceof GuError && e.code === code;

describe('checkFilter', () => {
  test('accepts a valid definition and fills missing rule lists', () => {
    const checked = checkFilter({ name: 'cheap_shoes-2' } as FilterDefinition);
    assert.deepEqual(checked, { name: 'cheap_shoes-2', include: [], exclude: [] });
  });

  test('rejects bad names, unknown fields and unknown ops', () => {
    for (const name of ['', 'has space', 'x'.repeat(65), 'dot.name'])
      assert.throws(() => checkFilter(def({ name })), codeOf('INVALID_FILTER'), name);
    assert.throws(
      () => checkFilter(def({ include: [{ field: 'colour', op: 'eq', value: 'red' }] })),
      (e: unknown) => codeOf('INVALID_FILTER')(e) && /colour/.test((e as Error).message),
    );
    assert.throws(
      () => checkFilter(def({ exclude: [{ field: 'price', op: 'between' as 'eq', value: 1 }] })),
      codeOf('INVALID_FILTER'),
    );
    for (const field of [
      'itemId',
      'title',
      'category',
      'brand',
      'price',
      'currency',
      'available',
      'attributes.x',
    ])
      checkFilter(def({ include: [{ field, op: 'eq', value: 1 }] }));
  });
});

describe('compileFilter', () => {
  const passes = (d: FilterDefinition, values?: Record<string, unknown>) =>
    [shoe, pan, gone].filter(compileFilter(d, values)).map((i) => i.itemId);

  test('no rules pass everything', () => {
    assert.deepEqual(passes(def({})), ['shoe', 'pan', 'gone']);
  });

  test('in / not_in / eq / neq on fields, categories at any level and attributes', () => {
    assert.deepEqual(passes(def({ include: [{ field: 'category', op: 'eq', value: 'Kitchen' }] })), ['pan']);
    assert.deepEqual(passes(def({ include: [{ field: 'category', op: 'in', value: ['Home', 'X'] }] })), [
      'pan',
    ]);
    assert.deepEqual(passes(def({ include: [{ field: 'brand', op: 'not_in', value: ['Apex'] }] })), ['pan']);
    assert.deepEqual(passes(def({ include: [{ field: 'brand', op: 'neq', value: 'Apex' }] })), ['pan']);
    assert.deepEqual(passes(def({ include: [{ field: 'available', op: 'eq', value: true }] })), [
      'shoe',
      'pan',
    ]);
    assert.deepEqual(passes(def({ include: [{ field: 'attributes.color', op: 'eq', value: 'red' }] })), [
      'shoe',
    ]);
    assert.deepEqual(passes(def({ include: [{ field: 'attributes.tags', op: 'in', value: ['sale'] }] })), [
      'shoe',
    ]);
    // An item without the attribute matches no value.
    assert.deepEqual(passes(def({ include: [{ field: 'attributes.size', op: 'gte', value: 0 }] })), ['pan']);
  });

  test('numeric comparisons', () => {
    const price = (op: 'lt' | 'lte' | 'gt' | 'gte', value: unknown) =>
      passes(def({ include: [{ field: 'price', op, value }] }));
    assert.deepEqual(price('lt', 200_000), ['gone']);
    assert.deepEqual(price('lte', 200_000), ['pan', 'gone']);
    assert.deepEqual(price('gt', 200_000), ['shoe']);
    assert.deepEqual(price('gte', '200000'), ['shoe', 'pan']);
  });

  test('an item passes when it matches every include rule and no exclude rule', () => {
    const d = def({
      include: [
        { field: 'price', op: 'gte', value: 100_000 },
        { field: 'available', op: 'eq', value: true },
      ],
      exclude: [{ field: 'brand', op: 'eq', value: 'Bold' }],
    });
    assert.deepEqual(passes(d), ['shoe']);
  });

  test('binds $parameters from the request values', () => {
    const d = def({
      name: 'brand_under',
      include: [
        { field: 'brand', op: 'in', value: '$brands' },
        { field: 'price', op: 'lte', value: '$max' },
      ],
    });
    assert.deepEqual(passes(d, { brands: ['Apex', 'Bold'], max: 300_000 }), ['pan', 'gone']);
    assert.deepEqual(passes(d, { brands: ['Apex'], max: 1_000_000 }), ['shoe', 'gone']);
  });

  test('a single value given for an in / not_in list counts as a list of one', () => {
    const d = def({ include: [{ field: 'brand', op: 'in', value: '$brand' }] });
    assert.deepEqual(passes(d, { brand: 'Bold' }), ['pan']);
    const notIn = def({ include: [{ field: 'brand', op: 'not_in', value: '$brand' }] });
    assert.deepEqual(passes(notIn, { brand: 'Bold' }), ['shoe', 'gone']);
  });

  test('a missing parameter is FILTER_VALUES_MISSING, naming it', () => {
    const d = def({ name: 'by_brand', exclude: [{ field: 'brand', op: 'eq', value: '$brand' }] });
    assert.throws(
      () => compileFilter(d, {}),
      (e: unknown) => codeOf('FILTER_VALUES_MISSING')(e) && /filterValues\.brand/.test((e as Error).message),
    );
    assert.throws(() => compileFilter(d), codeOf('FILTER_VALUES_MISSING'));
    // Names inherited from Object.prototype are not values the request gave.
    const proto = def({ include: [{ field: 'brand', op: 'eq', value: '$constructor' }] });
    assert.throws(() => compileFilter(proto, {}), codeOf('FILTER_VALUES_MISSING'));
  });
});

describe('CatalogIndex', () => {
  test('upserts, looks up and counts items; every write changes the version', () => {
    const catalog = new CatalogIndex();
    const v0 = catalog.version;
    catalog.upsert([shoe, pan]);
    assert.equal(catalog.size, 2);
    assert.ok(catalog.version > v0);
    assert.equal(catalog.get('shoe'), shoe);
    assert.equal(catalog.get('nope'), undefined);
    assert.deepEqual(
      [...catalog.all()].map((i) => i.itemId),
      ['shoe', 'pan'],
    );
    const v1 = catalog.version;
    catalog.upsert([{ ...shoe, price: 1 }]);
    assert.equal(catalog.size, 2);
    assert.equal(catalog.get('shoe')!.price, 1);
    assert.ok(catalog.version > v1);
  });

  test('markUnavailable keeps the item but makes it unavailable', () => {
    const catalog = new CatalogIndex();
    catalog.upsert([shoe]);
    assert.equal(catalog.isAvailable('shoe'), true);
    const v = catalog.version;
    catalog.markUnavailable('shoe');
    assert.equal(catalog.isAvailable('shoe'), false);
    assert.equal(catalog.get('shoe')!.available, false);
    assert.equal(shoe.available, true, 'the caller’s object is not changed');
    assert.ok(catalog.version > v);
    assert.equal(catalog.isAvailable('nope'), false);
  });

  test('related: available items of the same deepest category, not the item itself', () => {
    const catalog = new CatalogIndex();
    const boots = item('boots');
    const sandals = item('sandals');
    const hat = item('hat', { categories: ['Fashion', 'Hats'] });
    catalog.upsert([shoe, boots, sandals, hat, pan, item('loose', { categories: [] })]);
    assert.deepEqual(catalog.related('shoe'), ['boots', 'sandals']);
    assert.deepEqual(catalog.related('hat'), []);
    assert.deepEqual(catalog.related('loose'), []);
    assert.deepEqual(catalog.related('nope'), []);
    catalog.markUnavailable('boots');
    assert.deepEqual(catalog.related('shoe'), ['sandals']);
    catalog.upsert([item('slippers')]);
    assert.deepEqual(catalog.related('shoe'), ['sandals', 'slippers']);
  });
});

describe('Lru', () => {
  test('evicts the least recently used entry and counts hits and misses', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    assert.equal(lru.get('a'), 1); // a is now the most recent
    lru.set('c', 3); // evicts b
    assert.equal(lru.get('b'), undefined);
    assert.equal(lru.get('a'), 1);
    assert.equal(lru.get('c'), 3);
    assert.equal(lru.size, 2);
    assert.deepEqual([lru.hits, lru.misses], [3, 1]);
    lru.set('a', 10); // overwrite refreshes
    lru.set('d', 4); // evicts c
    assert.equal(lru.get('c'), undefined);
    assert.equal(lru.get('a'), 10);
    lru.clear();
    assert.equal(lru.size, 0);
  });
});
