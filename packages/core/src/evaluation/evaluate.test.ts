import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InteractionsBuilder } from '../data/interactions.js';
import { mulberry32 } from '../recipes/random.js';
import { createRecipe } from '../recipes/registry.js';
import { evaluateRecipe } from './evaluate.js';
import { leaveLastOut } from './split.js';

/** Six tribes of ten items; each shopper views seven distinct items of their tribe, the last one is the test. */
function tribesOfSix(users: number) {
  const b = new InteractionsBuilder();
  const next = mulberry32(3);
  for (let u = 0; u < users; u++) {
    const tribe = u % 6;
    const items = Array.from({ length: 10 }, (_, i) => tribe * 10 + i).sort(() => next() - 0.5);
    items.slice(0, 7).forEach((item, t) => b.add(`u${u}`, `i${item}`, t));
  }
  return b.build();
}

const { train, cases } = leaveLastOut(tribesOfSix(1500));
const options = { ks: [5, 10], excludeSeen: true };

test('ranking in worker threads gives exactly the metrics of ranking in place', async () => {
  const inPlace = await evaluateRecipe(createRecipe('similar-items'), train, cases, {
    ...options,
    threads: 1,
  });
  const parallel = await evaluateRecipe(createRecipe('similar-items'), train, cases, {
    ...options,
    threads: 2,
  });
  assert.deepEqual(parallel.metrics, inPlace.metrics);
});

test('personalization beats popularity and chance on data with taste', async () => {
  const ndcg = async (name: 'random' | 'popular' | 'user-personalization') =>
    (
      await evaluateRecipe(
        createRecipe(name, name === 'user-personalization' ? { factors: 8 } : {}),
        train,
        cases,
        { ...options, threads: 2 },
      )
    ).metrics['ndcg@10'];
  const [random, popular, personal] = [
    await ndcg('random'),
    await ndcg('popular'),
    await ndcg('user-personalization'),
  ];
  assert.ok(personal > 2 * popular, `user-personalization ${personal} vs popular ${popular}`);
  assert.ok(personal > 2 * random, `user-personalization ${personal} vs random ${random}`);
});
