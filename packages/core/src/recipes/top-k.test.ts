import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestCandidates, bestItems, topK } from './top-k.js';
import { mulberry32 } from './random.js';

test('topK returns the best n in order, skipping excluded items, ties to the lower index', () => {
  const scores = Float32Array.from([0.5, 3, -Infinity, 3, 1, 2]);
  assert.deepEqual(
    topK(scores, 3).map((s) => s.item),
    [1, 3, 5],
  );
  assert.deepEqual(
    topK(scores, 10).map((s) => s.item),
    [1, 3, 5, 4, 0],
  );
  assert.deepEqual(
    topK(scores, 2, Int32Array.of(0, 2, 4)).map((s) => s.item),
    [4, 0],
  );
  assert.deepEqual(topK(scores, 0), []);
});

test('topK reads scores at a stride, the first of each cell', () => {
  // Cells of two: [score, something else]; the second places would win if they were read.
  const cells = Float32Array.from([0.5, 9, 3, 9, -Infinity, 9, 2, 9]);
  assert.deepEqual(
    topK(cells, 4, undefined, 2).map((s) => [s.item, s.score]),
    [
      [1, 3],
      [3, 2],
      [0, 0.5],
    ],
  );
  assert.deepEqual(
    topK(cells, 1, Int32Array.of(0, 3), 2).map((s) => s.item),
    [3],
  );
});

test('topK agrees with a full sort on random scores', () => {
  const scores = Float32Array.from({ length: 5000 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
  const expected = Array.from(scores.keys())
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, 50);
  assert.deepEqual(
    topK(scores, 50).map((s) => s.item),
    expected,
  );
});

test('topK agrees with a full sort when scores tie, for every size of list', () => {
  // Few distinct scores: most comparisons are ties, which the heap must break by index as the sort does.
  const scores = Float32Array.from({ length: 300 }, (_, i) => (i * 7919) % 5);
  scores[17] = -Infinity;
  scores[42] = NaN;
  const expected = Array.from(scores.keys())
    .filter((i) => scores[i] !== -Infinity && !Number.isNaN(scores[i]))
    .sort((a, b) => scores[b] - scores[a] || a - b);
  for (const n of [1, 2, 3, 10, 64, 299, 400])
    assert.deepEqual(
      topK(scores, n).map((s) => s.item),
      expected.slice(0, n),
      `n = ${n}`,
    );
});

test('bestCandidates keeps what a full sort of the candidates by float64 key keeps, ties to the lower index', () => {
  const next = mulberry32(11);
  for (const [items, candidates, n] of [
    [1000, 600, 100],
    [1000, 80, 100],
    [50, 50, 7],
    [10, 0, 3],
  ]) {
    // Keys from a few values, so that many tie, and differences float32 would round away.
    const keys = Float64Array.from({ length: items }, () => 1 + Math.floor(next() * 20) * 1e-9);
    const chosen = Int32Array.from({ length: candidates }, () => Math.floor(next() * items)).filter(
      (v, i, all) => all.indexOf(v) === i,
    );
    const sorted = [...chosen].sort((a, b) => keys[b] - keys[a] || a - b).slice(0, n);
    assert.deepEqual([...bestCandidates(keys, chosen, n)], sorted);
  }
});

test('bestItems keeps the items topK lists, at a stride and among candidates, ties and exclusions included', () => {
  const next = mulberry32(23);
  const cells = Float32Array.from({ length: 2 * 400 }, (_, i) => (i % 2 ? 99 : Math.floor(next() * 6)));
  cells[2 * 17] = -Infinity;
  cells[2 * 42] = NaN;
  const candidates = Int32Array.from({ length: 400 }, (_, i) => i).filter(() => next() < 0.7);
  for (const n of [0, 1, 5, 64, 279, 500]) {
    const listed = topK(cells, n, candidates, 2).map((s) => s.item);
    const kept = [...bestItems(cells, n, candidates, 2)];
    assert.deepEqual(
      kept.sort((a, b) => a - b),
      listed.sort((a, b) => a - b),
      `n = ${n}`,
    );
  }
});
