import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InternedIds } from './interned-ids.js';
import { ItemIndices } from './item-indices.js';

test('remembers thousands of item numbers, each looked up once, and looks a reused number up again', () => {
  const ids = new InternedIds();
  const asked: string[] = [];
  const indices = new ItemIndices(ids, {
    indexOf: (id) => (asked.push(id), id.startsWith('i') ? Number(id.slice(1)) : -1),
  });
  const numbers = Array.from({ length: 3000 }, (_, k) => ids.hold(`i${k}`));
  for (let round = 0; round < 2; round++)
    numbers.forEach((n, k) => assert.equal(indices.of(n), k, `i${k}, round ${round}`));
  assert.equal(asked.length, 3000, 'once each');
  ids.release(numbers[2999]);
  assert.equal(ids.hold('other'), numbers[2999], 'the number is used again');
  assert.equal(indices.of(numbers[2999]), -1);
  assert.equal(asked.at(-1), 'other');
});
