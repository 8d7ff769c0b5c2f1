import type { Interactions } from '../data/interactions.js';
import { numItems, numUsers } from '../data/interactions.js';
import { defaultThreads, WorkerPool } from '../parallel/pool.js';
import type { Recipe } from '../recipes/recipe.js';
import { encodeSnapshot } from '../recipes/snapshot.js';
import { rankingMetrics } from './metrics.js';
import { packQueries } from './packed-queries.js';
import { rankRange } from './rank.js';
import type { EvalCase } from './split.js';
import type { RankWorkerData } from './rank-worker.js';

export interface EvaluationOptions {
  ks: readonly number[];
  /** Leave the query's history out of the ranking (the usual protocol; off for repeat-consumption data). */
  excludeSeen: boolean;
  threads?: number;
  /** Data to fit on instead of the training split (only to reproduce protocols that fit on everything). */
  fitOn?: Interactions;
  onProgress?: (stage: 'fit' | 'rank', done: number, total: number) => void;
}

export interface RecipeEvaluation {
  recipe: string;
  trainSeconds: number;
  rankSeconds: number;
  metrics: Record<string, number>;
}

/** Number of distinct training users per item, the popularity behind novelty and average popularity. */
export function userPopularity(train: Interactions): Float64Array {
  const pop = new Float64Array(numItems(train));
  const lastUser = new Int32Array(numItems(train)).fill(-1);
  for (let r = 0; r < train.item.length; r++) {
    const i = train.item[r];
    if (lastUser[i] !== train.user[r]) {
      pop[i]++;
      lastUser[i] = train.user[r];
    }
  }
  return pop;
}

/**
 * Fits a recipe on the training split and ranks the whole catalog for every case (no sampled negatives),
 * in parallel: each worker loads the saved model, so evaluation also exercises save/load.
 */
export async function evaluateRecipe(
  recipe: Recipe,
  train: Interactions,
  cases: readonly EvalCase[],
  o: EvaluationOptions,
): Promise<RecipeEvaluation> {
  const threads = o.threads ?? defaultThreads();
  const t0 = performance.now();
  await recipe.fit(o.fitOn ?? train, { threads, onProgress: (d, t) => o.onProgress?.('fit', d, t) });
  const trainSeconds = (performance.now() - t0) / 1000;
  return { ...(await measureFitted(recipe, train, cases, o)), trainSeconds };
}

/** Ranks the whole catalog for every case with a recipe already fitted on train, and measures the rankings. */
export async function measureFitted(
  recipe: Recipe,
  train: Interactions,
  cases: readonly EvalCase[],
  o: EvaluationOptions,
): Promise<RecipeEvaluation> {
  const threads = o.threads ?? defaultThreads();
  const t1 = performance.now();
  const k = Math.max(...o.ks);
  const queries = packQueries(cases.map((c) => c.query));
  const chunk = Math.max(1, Math.min(500, Math.ceil(cases.length / (threads * 8))));
  const ranges: [number, number][] = [];
  for (let s = 0; s < cases.length; s += chunk) ranges.push([s, Math.min(cases.length, s + chunk)]);
  let done = 0;
  const progress = () => o.onProgress?.('rank', ++done, ranges.length);
  let parts: Int32Array[];
  if (threads > 1 && cases.length > 1000) {
    const data: RankWorkerData = {
      snapshot: encodeSnapshot(recipe.save()),
      queries,
      k,
      excludeSeen: o.excludeSeen,
    };
    const pool = new WorkerPool<[number, number], Int32Array>(
      new URL('./rank-worker.js', import.meta.url),
      threads,
      data,
    );
    try {
      parts = await pool.run(ranges, progress);
    } finally {
      await pool.close();
    }
  } else
    parts = ranges.map(([s, e]) => {
      const part = rankRange(recipe, queries, s, e, k, o.excludeSeen);
      progress();
      return part;
    });
  const rankings = parts.flatMap((flat) =>
    Array.from({ length: flat.length / k }, (_, i) =>
      flat.subarray(i * k, (i + 1) * k).filter((x) => x >= 0),
    ),
  );
  const rankSeconds = (performance.now() - t1) / 1000;

  const metrics = rankingMetrics({
    cases,
    rankings,
    ks: o.ks,
    numItems: numItems(train),
    itemPopularity: userPopularity(train),
    numTrainUsers: numUsers(train),
  });
  return { recipe: recipe.name, trainSeconds: 0, rankSeconds, metrics };
}
