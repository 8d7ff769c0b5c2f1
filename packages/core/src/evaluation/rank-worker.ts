import { parentPort, workerData } from 'node:worker_threads';
import { loadRecipe } from '../recipes/registry.js';
import type { PackedQueries } from './packed-queries.js';
import { rankRange } from './rank.js';

/** Worker side of parallel evaluation: loads the model once, then ranks the ranges it is given. */
export interface RankWorkerData {
  snapshot: Uint8Array;
  queries: PackedQueries;
  k: number;
  excludeSeen: boolean;
}

const d = workerData as RankWorkerData;
const recipe = loadRecipe(d.snapshot);
parentPort!.on('message', ([start, end]: [number, number]) => {
  parentPort!.postMessage(rankRange(recipe, d.queries, start, end, d.k, d.excludeSeen));
});
