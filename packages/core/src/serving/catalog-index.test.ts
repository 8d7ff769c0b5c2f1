import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Item } from '../domain/items.js';
import { CatalogIndex } from './catalog-index.js';

const item = (itemId: string, categories: string[], available = true): Item => ({
  itemId,
  title: itemId,
  categories,
  price: 1,
  currency: 'VND',
  createdAt: 0,
  available,
  attributes: {},
});

describe('CatalogIndex shelves', () => {
  test('files available items under every category name of their path, and all of them under ""', () => {
    const catalog = new CatalogIndex();
    catalog.upsert([
      item('a', ['Food', 'Fruit']),
      item('b', ['Food', 'Dairy']),
      item('c', ['Drinks']),
      item('d', ['Food', 'Fruit'], false),
      item('e', []),
    ]);
    const ids = (category?: string) => catalog.shelf(category).map((i) => i.itemId);
    assert.deepEqual(ids(), ['a', 'b', 'c', 'e']);
    assert.deepEqual(ids('Food'), ['a', 'b']);
    assert.deepEqual(ids('Fruit'), ['a']);
    assert.deepEqual(ids('Toys'), []);
  });

  test('follows every change to the catalog', () => {
    const catalog = new CatalogIndex();
    catalog.upsert([item('a', ['Food']), item('b', ['Food'])]);
    assert.equal(catalog.shelf('Food').length, 2);
    catalog.markUnavailable('a');
    assert.deepEqual(
      catalog.shelf('Food').map((i) => i.itemId),
      ['b'],
    );
    catalog.upsert([item('b', ['Drinks']), item('c', ['Food'])]);
    assert.deepEqual(
      catalog.shelf('Food').map((i) => i.itemId),
      ['c'],
    );
    assert.deepEqual(
      catalog.shelf('Drinks').map((i) => i.itemId),
      ['b'],
    );
  });

  test('counts the available items of every category of the tree, largest first at every level', () => {
    const catalog = new CatalogIndex();
    catalog.upsert([
      item('a', ['Food', 'Fruit']),
      item('b', ['Food', 'Dairy']),
      item('c', ['Food', 'Dairy']),
      item('d', ['Drinks']),
      item('e', ['Food', 'Fruit'], false),
      item('f', []),
    ]);
    assert.deepEqual(catalog.categoryTree(), [
      {
        name: 'Food',
        count: 3,
        children: [
          { name: 'Dairy', count: 2, children: [] },
          { name: 'Fruit', count: 1, children: [] },
        ],
      },
      { name: 'Drinks', count: 1, children: [] },
    ]);
    assert.equal(catalog.categoryTree(), catalog.categoryTree(), 'kept while the catalog stays');
    catalog.markUnavailable('a');
    assert.deepEqual(
      catalog.categoryTree()[0].children.map((c) => c.name),
      ['Dairy'],
    );
  });
});
