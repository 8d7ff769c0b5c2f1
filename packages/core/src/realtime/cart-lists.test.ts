import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CartLists, NO_NODE } from './cart-lists.js';

const entries = (carts: CartLists, head: number) => {
  const out: [number, number][] = [];
  carts.forEach(head, (item, quantity) => out.push([item, quantity]));
  return out;
};

test('a list keeps its items in the order first added, with their quantities', () => {
  const carts = new CartLists();
  let head = NO_NODE;
  for (const [item, q] of [
    [7, 1],
    [3, 2],
    [9, 1],
    [3, 5],
  ])
    head = carts.set(head, item, q);
  assert.deepEqual(entries(carts, head), [
    [7, 1],
    [3, 5],
    [9, 1],
  ]);
  assert.equal(carts.quantityOf(head, 3), 5);
  assert.equal(carts.quantityOf(head, 4), 0);
  head = carts.set(head, 7, 0); // the first
  head = carts.set(head, 9, -1); // the last
  head = carts.set(head, 4, 0); // not there: nothing changes
  assert.deepEqual(entries(carts, head), [[3, 5]]);
  head = carts.set(head, 3, 0);
  assert.equal(head, NO_NODE);
});

test('lists are apart, and freed nodes serve other lists', () => {
  const carts = new CartLists();
  const heads = Array.from({ length: 3000 }, (_, k) => carts.set(carts.set(NO_NODE, k, 1), k + 1, 2));
  const dropped: number[] = [];
  for (let k = 0; k < 3000; k += 2) carts.clear(heads[k], (item) => dropped.push(item));
  assert.equal(dropped.length, 3000);
  const fresh = Array.from({ length: 1500 }, (_, k) => carts.set(NO_NODE, 100_000 + k, 3));
  for (let k = 1; k < 3000; k += 2)
    assert.deepEqual(entries(carts, heads[k]), [
      [k, 1],
      [k + 1, 2],
    ]);
  fresh.forEach((head, k) => assert.deepEqual(entries(carts, head), [[100_000 + k, 3]]));
});
