import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SparseScores } from './sparse-scores.js';
import { topK } from './top-k.js';

test('sparse scores: first touch starts from base, untouched items read 0, reset forgets only what it touched', () => {
  const s = new SparseScores(6);
  s.add(4, 0.5, 0.25);
  s.add(4, 1);
  s.add(1, -2);
  assert.deepEqual([...s.touched], [4, 1]);
  assert.equal(s.get(4), 1.75);
  assert.equal(s.get(1), -2);
  assert.equal(s.get(0), 0, 'an untouched item scores 0');
  assert.ok(s.isTouched(4) && s.isTouched(1) && !s.isTouched(0));
  // Float32 arithmetic, as the dense forms store it: the base is rounded, then the sum.
  s.add(2, 0.1, 0.1);
  assert.equal(s.get(2), Math.fround(Math.fround(0.1) + 0.1));
  // Only touched items rank; an excluded one (-Infinity) stays touched until the reset.
  s.values[1] = -Infinity;
  assert.deepEqual(
    topK(s.values, 6).map((x) => x.item),
    [4, 2],
  );
  assert.ok(s.isTouched(1));
  s.reset();
  assert.deepEqual([...s.touched], []);
  assert.ok([0, 1, 2, 3, 4, 5].every((i) => !s.isTouched(i) && s.get(i) === 0));
  s.add(1, 3);
  assert.equal(s.get(1), 3, 'a reset item starts afresh');
});

test('sparse scores: the touched list grows past its first storage and keeps every item in order', () => {
  const s = new SparseScores(1000);
  for (let i = 999; i >= 0; i -= 3) s.add(i, 1);
  const expected = Array.from({ length: 334 }, (_, k) => 999 - 3 * k);
  assert.deepEqual([...s.touched], expected);
  s.reset();
  assert.equal(s.touched.length, 0);
  assert.ok(expected.every((i) => !s.isTouched(i)));
});

test("sparse scores in cells: each score heads its cell, and the owner's places are left alone", () => {
  const s = new SparseScores(4, 3);
  for (let i = 0; i < 4; i++) [s.values[3 * i + 1], s.values[3 * i + 2]] = [10 + i, 20 + i];
  s.add(3, 2, 1);
  s.add(1, 5);
  s.add(2, 4);
  s.exclude(2);
  s.exclude(0); // untouched: stays untouched
  assert.deepEqual([s.get(3), s.get(1), s.get(0)], [3, 5, 0]);
  assert.deepEqual(
    s.best(3).map((x) => [x.item, x.score]),
    [
      [1, 5],
      [3, 3],
    ],
  );
  s.reset();
  assert.ok([0, 1, 2, 3].every((i) => !s.isTouched(i)));
  assert.deepEqual(
    Array.from({ length: 4 }, (_, i) => [s.values[3 * i + 1], s.values[3 * i + 2]]),
    [
      [10, 20],
      [11, 21],
      [12, 22],
      [13, 23],
    ],
  );
});
