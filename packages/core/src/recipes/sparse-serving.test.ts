import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventCode } from '../domain/events.js';
import { InteractionsBuilder } from '../data/interactions.js';
import { item, tribes } from './fixtures.test-util.js';
import type { ItemKnnRecipe } from './item-knn.js';
import { queryOf, type Query } from './query.js';
import { mulberry32 } from './random.js';
import { ScoringRecipe } from './recipe.js';
import { createRecipe } from './registry.js';
import { NearestSessions } from './session-knn.js';
import { UserPersonalizationRecipe } from './user-personalization.js';
import { topK } from './top-k.js';

const data = tribes(60);
const next = mulberry32(11);
const queries: Query[] = Array.from({ length: 40 }, (_, q) =>
  queryOf(
    -1,
    Array.from({ length: q % 7 }, () => ({
      item: Math.floor(next() * data.itemIds.length),
      type: next() < 0.2 ? EventCode.add_to_cart : EventCode.view,
    })),
  ),
);

/** The reference: the dense score of every item, seen and excluded items left out, the best n. */
function dense(recipe: ScoringRecipe, query: Query, n: number, exclude: number[]) {
  const scores = new Float32Array(recipe.numItems);
  recipe.scoreInto(query, scores);
  for (const i of [...query.items, ...exclude]) scores[i] = -Infinity;
  return topK(scores, n);
}

/** The sparse ranking of every query equals the dense reference, with and without excluded items. */
function assertSparseEqualsDense(recipe: ScoringRecipe, when: string) {
  for (const [q, query] of queries.entries()) {
    // Some queries exclude one item, some a third of the catalog (a shop with much out of stock).
    const exclude =
      q % 3 === 0
        ? [q % data.itemIds.length]
        : q % 3 === 1
          ? data.itemIds.map((_, i) => i).filter((i) => i % 3 === q % 2)
          : [];
    for (const n of [0, 1, 5, 25, data.itemIds.length])
      assert.deepEqual(
        recipe.recommend([query], n, { exclude: Int32Array.from(exclude) })[0],
        dense(recipe, query, n, exclude),
        `${when}: query ${q}, n ${n}`,
      );
  }
}

for (const name of ['similar-items', 'bought-together'] as const)
  test(`${name}: the sparse ranking equals the dense reference, before and after real-time updates`, async () => {
    const recipe = createRecipe(name) as ScoringRecipe;
    await recipe.fit(data, { threads: 1 });
    assertSparseEqualsDense(recipe, 'fitted');
    // New pairs (fresh links outside the kept neighbours) and new occurrences, as the stream processor makes.
    const rand = mulberry32(3);
    const item = () => Math.floor(rand() * data.itemIds.length);
    recipe.update(
      Array.from({ length: 300 }, (_, e) => ({
        user: -1,
        item: item(),
        type: e % 4 === 0 ? EventCode.purchase : EventCode.view,
        time: e,
        recent: Int32Array.from({ length: 4 }, item),
      })),
    );
    // A fresh instance: the popularity order a serving instance keeps is refreshed at most once a second.
    const updated = createRecipe(name) as ScoringRecipe;
    updated.load(recipe.save());
    assertSparseEqualsDense(updated, 'updated');
  });

test('similar-items: an item repeated in the history scores the sum of its events, dense and sparse alike', async () => {
  const recipe = createRecipe('similar-items') as ItemKnnRecipe;
  await recipe.fit(data);
  const [x, y] = [item(data, 'i3'), item(data, 'i4')];
  const { historyHalfLife: h, eventWeights: w } = recipe.params;
  // Each item's links alone, from a one-view query: the link's part of the score, per unit of weight.
  const scoresOf = (query: Query) => {
    const out = new Float32Array(recipe.numItems);
    recipe.scoreInto(query, out);
    return out;
  };
  const link = (of: number) => {
    const alone = scoresOf(queryOf(-1, [{ item: of, type: EventCode.view }]));
    return (j: number) => (alone[j] - recipe.baseScore(j)) / w.view;
  };
  const [fromX, fromY] = [link(x), link(y)];
  const events = [
    { item: x, type: EventCode.view },
    { item: y, type: EventCode.view },
    { item: x, type: EventCode.add_to_cart },
  ];
  const scores = scoresOf(queryOf(-1, events));
  const sparse = recipe.recommend([queryOf(-1, events)], recipe.numItems, { excludeSeen: false })[0];
  assert.ok(sparse.length > 2);
  for (const { item: j, score } of sparse) {
    const expected =
      recipe.baseScore(j) +
      (2 ** (-2 / h) * w.view + w.add_to_cart) * fromX(j) +
      2 ** (-1 / h) * w.view * fromY(j);
    assert.ok(Math.abs(scores[j] - expected) <= 1e-5 * Math.max(1, Math.abs(expected)), `dense, item ${j}`);
    assert.equal(score, scores[j], `sparse, item ${j}`);
  }
});

for (const factors of [7, 8])
  test(`user-personalization with candidates scores only them, best first, never the seen ones (k = ${factors})`, async () => {
    const recipe = createRecipe('user-personalization', { factors, iterations: 4 });
    await recipe.fit(data, { threads: 1 });
    const candidates = Int32Array.from({ length: 12 }, (_, i) => i * 2);
    for (const query of queries) {
      const [list] = recipe.recommend([query], 5, { candidates });
      assert.ok(list.length <= 5);
      for (const s of list) {
        assert.ok(candidates.includes(s.item), 'only candidates');
        assert.ok(!query.items.includes(s.item), 'not seen');
      }
      for (let r = 1; r < list.length; r++) assert.ok(list[r - 1].score >= list[r].score);
    }
    // With every item a candidate, it agrees with the dense form up to float32 rounding.
    const all = Int32Array.from(data.itemIds.keys());
    for (const query of queries.slice(0, 10)) {
      const sparse = recipe.recommend([query], 5, { candidates: all })[0];
      const scores = new Float32Array(recipe.numItems);
      recipe.scoreInto(query, scores);
      for (const s of sparse) assert.ok(Math.abs(s.score - scores[s.item]) < 1e-5, `item ${s.item}`);
      const full = dense(recipe as ScoringRecipe, query, 5, []);
      assert.ok(
        Math.abs(full[full.length - 1].score - sparse[sparse.length - 1].score) < 1e-5,
        'same cut-off score',
      );
    }
  });

test('NearestSessions keeps what a full sort would, best first, ties to the more recent session', () => {
  const rand = mulberry32(5);
  const nearest = new NearestSessions();
  for (let trial = 0; trial < 50; trial++) {
    const m = 1 + Math.floor(rand() * 300);
    const sim = Float64Array.from({ length: m }, () => Math.floor(rand() * 20) / 4);
    const offered = Array.from({ length: m }, (_, i) => i).sort(() => rand() - 0.5);
    const k = Math.floor(rand() * 120);
    const reference = [...offered].sort((a, b) => sim[b] - sim[a] || b - a).slice(0, k);
    // Reused from trial to trial, as from query to query.
    nearest.reset(k);
    for (const s of offered) nearest.offer(s, sim[s]);
    nearest.sorted();
    assert.deepEqual(Array.from(nearest.sessions.subarray(0, nearest.size)), reference);
    assert.deepEqual(
      Array.from(nearest.sims.subarray(0, nearest.size)),
      Array.from(reference, (s) => sim[s]),
    );
  }
});

test('the conjugate-gradient fold-in converges to the exact (Cholesky) user vector', async () => {
  // Even factors fold in by kernels.wat, odd ones by the JavaScript loops.
  for (const factors of [4, 7, 8]) {
    const recipe = new UserPersonalizationRecipe({ factors, iterations: 4, foldInCgSteps: factors });
    await recipe.fit(data, { threads: 1 });
    for (const query of queries.filter((q) => q.items.length)) {
      const cg = recipe.foldIn(query);
      const exact = recipe.foldInExact(query);
      const norm = Math.hypot(...exact);
      const diff = Math.hypot(...exact.map((v, f) => v - cg[f]));
      assert.ok(diff <= 1e-3 * Math.max(norm, 1e-6), `factors ${factors}: |Δ| ${diff} vs |x| ${norm}`);
    }
  }
});

test('addLinked ranks what the item links and neighbour sessions reach, besides the given candidates', async () => {
  const recipe = createRecipe('user-personalization', { factors: 8, iterations: 4 });
  await recipe.fit(data, { threads: 1 });
  const tribeA = queryOf(-1, [{ item: data.itemIds.indexOf('i1') }, { item: data.itemIds.indexOf('i2') }]);
  const [linked] = recipe.recommend([tribeA], 5, { candidates: new Int32Array(0), addLinked: true });
  assert.ok(linked.length > 0, 'links reach items with no candidate given');
  for (const s of linked)
    assert.ok(Number(data.itemIds[s.item].slice(1)) < 10, `${data.itemIds[s.item]} is tribe A`);
  // Linked items plus every item as a candidate rank exactly as every item alone.
  const all = Int32Array.from(data.itemIds.keys());
  assert.deepEqual(
    recipe.recommend([tribeA], 5, { candidates: all, addLinked: true }),
    recipe.recommend([tribeA], 5, { candidates: all }),
  );
});

test('user-personalization leaves the session scores it reads clean: each query answers alike after others', async () => {
  const recipe = createRecipe('user-personalization', { factors: 8, iterations: 4 });
  await recipe.fit(data, { threads: 1 });
  const all = Int32Array.from(data.itemIds.keys());
  const answer = (q: Query) => recipe.recommend([q], 5, { candidates: all, addLinked: true })[0];
  const first = queries.map(answer);
  assert.deepEqual(queries.map(answer), first);
  assert.deepEqual([...queries].reverse().map(answer), [...first].reverse());
});

test('similar-items: the sparse ranking equals the dense one past the popularity prefix (3,000 items)', async () => {
  const b = new InteractionsBuilder();
  const rand = mulberry32(21);
  // Zipf-like popularity over 3,000 items, in short histories.
  for (let u = 0; u < 2000; u++)
    for (let t = 0; t < 4; t++) b.add(`u${u}`, `i${Math.floor(3000 * rand() ** 3)}`, t);
  for (let i = 0; i < 3000; i++) b.items.intern(`i${i}`);
  const big = b.build();
  const recipe = createRecipe('similar-items') as ScoringRecipe;
  await recipe.fit(big, { threads: 1 });
  const query = queryOf(-1, [{ item: 7 }, { item: 11 }]);
  // Leave out the 1,500 most popular items: the top-up must reach beyond the first 1,000 of the order.
  const popular = createRecipe('popular') as ScoringRecipe;
  await popular.fit(big, { threads: 1 });
  const exclude = popular.recommend([queryOf(-1, [])], 1500)[0].map((s) => s.item);
  assert.deepEqual(
    recipe.recommend([query], 30, { exclude: Int32Array.from(exclude) })[0],
    dense(recipe, query, 30, exclude),
  );
});
