import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventCode } from '../domain/events.js';
import {
  filterRows,
  InteractionsBuilder,
  numItems,
  numUsers,
  userOffsets,
  type Interactions,
} from './interactions.js';

/** Rows as readable tuples: [user, item, time, event code, basket index]. */
const rows = (d: Interactions) =>
  Array.from(d.user, (u, r) => [d.userIds[u], d.itemIds[d.item[r]], d.time[r], d.type[r], d.basket[r]]);

function fixture(): Interactions {
  const b = new InteractionsBuilder();
  b.add('u2', 'a', 30);
  b.add('u1', 'b', 20, EventCode.purchase, 'o1');
  b.add('u2', 'c', 10);
  b.add('u1', 'a', 5, EventCode.add_to_cart);
  b.add('u3', 'd', 1, EventCode.view, '');
  b.add('u1', 'c', 20, EventCode.purchase, 'o1'); // same time as b: stays after it
  b.add('u2', 'b', 30, EventCode.view, 'o2'); // same time as a: stays after it
  return b.build();
}

test('the builder groups rows by user in order of first appearance and orders each user by time', () => {
  const d = fixture();
  assert.deepEqual(d.userIds, ['u2', 'u1', 'u3']);
  assert.deepEqual(d.itemIds, ['a', 'b', 'c', 'd']);
  assert.deepEqual(rows(d), [
    ['u2', 'c', 10, EventCode.view, -1],
    ['u2', 'a', 30, EventCode.view, -1],
    ['u2', 'b', 30, EventCode.view, 1],
    ['u1', 'a', 5, EventCode.add_to_cart, -1],
    ['u1', 'b', 20, EventCode.purchase, 0],
    ['u1', 'c', 20, EventCode.purchase, 0],
    ['u3', 'd', 1, EventCode.view, -1],
  ]);
  assert.equal(numUsers(d), 3);
  assert.equal(numItems(d), 4);
  assert.equal(d.itemInfo, undefined);
});

test('the builder sorts newest-first histories and keeps arrival order among equal times', () => {
  const b = new InteractionsBuilder();
  const n = 20_000; // large enough that a quadratic sort would show
  for (let i = 0; i < n; i++) b.add('u', `i${i}`, Math.floor((n - i) / 2));
  const d = b.build();
  assert.ok(d.time.every((t, r) => r === 0 || d.time[r - 1] <= t));
  // Time 0 is row 19999's; time 1 is shared by rows 19997 and 19998, time 2 by 19995 and 19996.
  assert.deepEqual(
    Array.from(d.item.subarray(0, 5), (i) => d.itemIds[i]),
    ['i19999', 'i19997', 'i19998', 'i19995', 'i19996'],
  );
});

test('the builder keeps item info when given, and counts its rows', () => {
  const b = new InteractionsBuilder();
  b.add('u', 'a', 0);
  assert.equal(b.size, 1);
  const info = [{ categories: ['Food'], price: 1000 }];
  assert.equal(b.build(info).itemInfo, info);
});

test('an empty builder builds empty columns', () => {
  const d = new InteractionsBuilder().build();
  assert.equal(d.user.length, 0);
  assert.deepEqual(Array.from(userOffsets(d)), [0]);
});

test('userOffsets gives each user’s row range', () => {
  assert.deepEqual(Array.from(userOffsets(fixture())), [0, 3, 6, 7]);
});

test('filterRows keeps the chosen rows in order, with every user and item', () => {
  const d = fixture();
  const purchasesAndLater = filterRows(d, (r) => d.type[r] === EventCode.purchase || d.time[r] >= 30);
  assert.deepEqual(rows(purchasesAndLater), [
    ['u2', 'a', 30, EventCode.view, -1],
    ['u2', 'b', 30, EventCode.view, 1],
    ['u1', 'b', 20, EventCode.purchase, 0],
    ['u1', 'c', 20, EventCode.purchase, 0],
  ]);
  assert.equal(purchasesAndLater.userIds, d.userIds);
  assert.equal(purchasesAndLater.itemIds, d.itemIds);
  assert.ok(purchasesAndLater.time instanceof Float64Array && purchasesAndLater.type instanceof Uint8Array);
  assert.deepEqual(Array.from(userOffsets(purchasesAndLater)), [0, 2, 4, 4]); // u3 keeps an empty range
  assert.equal(d.user.length, 7, 'the input is untouched');
});
