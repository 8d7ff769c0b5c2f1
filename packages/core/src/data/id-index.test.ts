import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdIndex } from './id-index.js';

test('intern gives each new id the next integer and the same one again after', () => {
  const ids = new IdIndex();
  assert.deepEqual(
    ['b', 'a', 'b', 'c', 'a'].map((id) => ids.intern(id)),
    [0, 1, 0, 2, 1],
  );
  assert.equal(ids.size, 3);
  assert.deepEqual(ids.ids, ['b', 'a', 'c']);
});

test('get answers known ids and -1 for unknown ones without adding them', () => {
  const ids = new IdIndex(['x', 'y']);
  assert.equal(ids.get('y'), 1);
  assert.equal(ids.get('z'), -1);
  assert.equal(ids.size, 2);
});

test('the constructor keeps the first position of a repeated id', () => {
  const ids = new IdIndex(['x', 'y', 'x', 'z']);
  assert.deepEqual(ids.ids, ['x', 'y', 'z']);
  assert.equal(ids.get('z'), 2);
});

test('ids are exact strings: case and spaces matter, "" is an id', () => {
  const ids = new IdIndex();
  assert.deepEqual(
    ['A', 'a', ' a', ''].map((id) => ids.intern(id)),
    [0, 1, 2, 3],
  );
});
