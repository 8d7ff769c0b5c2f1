import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InteractionsBuilder } from '../data/interactions.js';
import { mulberry32 } from '../recipes/random.js';
import { BLEND_GRID, tuneBlend } from './tune.js';

/** Anonymous sessions walking forward through their aisle: what neighbour sessions predict best. */
function sessions(count: number) {
  const b = new InteractionsBuilder();
  const next = mulberry32(9);
  for (let s = 0; s < count; s++) {
    const aisle = s % 4;
    const start = Math.floor(next() * 8);
    for (let t = 0; t < 5; t++) b.add(`s${s}`, `i${aisle * 12 + ((start + t) % 12)}`, t);
  }
  return b.build();
}

test('tuning measures every blend of the grid on validation cases and keeps the best', async () => {
  const train = sessions(400);
  const tuning = await tuneBlend(
    train,
    { factors: 8, iterations: 3 },
    { ks: [10], excludeSeen: true, threads: 1 },
  );
  assert.equal(tuning.metric, 'ndcg@10');
  assert.equal(tuning.validation.length, BLEND_GRID.length);
  assert.equal(tuning.validationCases, 400);
  for (let i = 1; i < tuning.validation.length; i++)
    assert.ok(tuning.validation[i - 1].value >= tuning.validation[i].value, 'best first');
  assert.deepEqual(tuning.blend, tuning.validation[0].blend);
  assert.ok(BLEND_GRID.some((b) => JSON.stringify(b) === JSON.stringify(tuning.blend)));
  // The walk is sequential: a blend with the item links or the neighbour sessions beats factors alone.
  const factorsOnly = tuning.validation.find((v) => v.blend.items === 0 && v.blend.sessions === 0)!;
  assert.ok(tuning.validation[0].value > factorsOnly.value);
});

test('tuning measures an evenly spaced sample when the validation cases are many', async () => {
  const grid = [{ factors: 0, items: 0, sessions: 1 }];
  const tuning = await tuneBlend(
    sessions(400),
    { factors: 4, iterations: 1 },
    { ks: [5], excludeSeen: true, threads: 1, grid, maxCases: 100 },
  );
  assert.equal(tuning.validationCases, 100);
  assert.deepEqual(tuning.blend, grid[0]);
});
