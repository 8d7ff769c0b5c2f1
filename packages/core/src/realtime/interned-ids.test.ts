import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InternedIds } from './interned-ids.js';

test('an id keeps its number while held and gives it back with its last holder', () => {
  const ids = new InternedIds();
  const a = ids.hold('a');
  const b = ids.hold('b');
  assert.notEqual(a, b);
  assert.equal(ids.hold('a'), a);
  ids.retain(b);
  assert.deepEqual([ids.id(a), ids.id(b), ids.size], ['a', 'b', 2]);
  ids.release(a);
  assert.equal(ids.numberOf('a'), a, 'one holder left');
  const lived = ids.life(a);
  ids.release(a);
  assert.equal(ids.numberOf('a'), undefined);
  assert.equal(ids.size, 1);
  assert.equal(ids.hold('c'), a, 'the number given back is used again');
  assert.equal(ids.life(a), lived + 1, 'in a life of its own');
  assert.equal(ids.id(a), 'c');
  ids.release(b);
  assert.equal(ids.numberOf('b'), b, 'b was held twice');
});

test('numbers thousands of ids', () => {
  const ids = new InternedIds();
  const numbers = Array.from({ length: 5000 }, (_, k) => ids.hold(`i${k}`));
  assert.equal(new Set(numbers).size, 5000);
  numbers.forEach((n, k) => assert.equal(ids.id(n), `i${k}`));
});
