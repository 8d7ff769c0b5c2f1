import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Groups } from './co-occurrence.js';
import type { Query } from './query.js';
import { mulberry32 } from './random.js';
import { SessionKnn, type SessionKnnParams } from './session-knn.js';

/** V-SKNN as its definition reads: an accumulator over all sessions, a full sort, Math.pow per vote. */
function reference(groups: Groups, numItems: number, p: SessionKnnParams, query: Query): [number, number][] {
  const { ptr, items } = groups;
  const sessionsOf: number[][] = Array.from({ length: numItems }, () => []);
  for (let s = 0; s + 1 < ptr.length; s++)
    for (let k = ptr[s]; k < ptr[s + 1]; k++) {
      const list = sessionsOf[items[k]];
      if (list[list.length - 1] !== s) list.push(s);
    }
  const history = [...query.items].slice(-p.maxHistory);
  const L = history.length;
  const weight = new Map<number, number>();
  history.forEach((item, at) => weight.set(item, (at + 1) / L));
  const sim = new Map<number, number>();
  for (const [item, w] of weight)
    if (item >= 0 && item < numItems)
      for (const s of sessionsOf[item].slice(-p.sampleSize)) sim.set(s, (sim.get(s) ?? 0) + w);
  const nearest = [...sim.keys()]
    .map((s) => ({ s, sim: sim.get(s)! / Math.sqrt((ptr[s + 1] - ptr[s]) * L) }))
    .sort((a, b) => b.sim - a.sim || b.s - a.s)
    .slice(0, p.neighbors);
  const votes: [number, number][] = [];
  for (const { s, sim } of nearest) {
    const shared: number[] = [];
    for (let k = ptr[s]; k < ptr[s + 1]; k++) if (weight.has(items[k])) shared.push(k);
    let next = 0;
    for (let k = ptr[s]; k < ptr[s + 1]; k++) {
      // The nearest shared position: the last one at or before k, or the first after it.
      while (next < shared.length && shared[next] <= k) next++;
      const d = Math.min(k - (shared[next - 1] ?? -Infinity), (shared[next] ?? Infinity) - k);
      votes.push([items[k], sim * 2 ** (-d / p.distanceHalfLife)]);
    }
  }
  return votes;
}

test('session-knn votes as its definition reads, in the same order and to the last bit', () => {
  const rand = mulberry32(17);
  const numItems = 300;
  const ptr = [0];
  const items: number[] = [];
  // Short sessions sharing popular items (many equal similarities), a few long ones: a session of 70,000
  // events is longer than a post records (its length is looked up), and its votes reach distances beyond the
  // precomputed decays.
  for (let s = 0; s < 3000; s++) {
    const length = s % 1000 === 999 ? 70_000 : 1 + Math.floor(rand() * 12);
    for (let k = 0; k < length; k++) items.push(Math.floor(rand() ** 2 * numItems));
    ptr.push(items.length);
  }
  const groups = { ptr: Int32Array.from(ptr), items: Int32Array.from(items), weights: new Float32Array(0) };
  for (const params of [
    {},
    { neighbors: 7, sampleSize: 20, maxHistory: 4, distanceHalfLife: 1.5 },
    // Every touched session votes.
    { neighbors: Infinity, sampleSize: 30 },
  ]) {
    const knn = new SessionKnn(params);
    knn.fit(groups, numItems);
    // And after a round trip through the model's arrays, as a served model is loaded.
    const loaded = new SessionKnn(params);
    loaded.restore(knn.arrays());
    for (let q = 0; q < 60; q++) {
      const length = Math.floor(rand() * 14);
      const query: Query = {
        user: -1,
        // Now and then an item the model does not know (a negative index, or past its catalog).
        items: Int32Array.from(
          { length },
          () => Math.floor(rand() ** 2 * numItems) + (rand() < 0.05 ? 1000 : 0) * (rand() < 0.5 ? -1 : 1),
        ),
        types: new Uint8Array(length),
        times: Float64Array.from({ length }, (_, i) => i),
      };
      const expected = reference(groups, numItems, knn.params, query);
      for (const recipe of [knn, loaded]) {
        const votes: [number, number][] = [];
        recipe.addScores(query, (item, vote) => votes.push([item, vote]));
        assert.deepEqual(votes, expected);
      }
    }
  }
});
