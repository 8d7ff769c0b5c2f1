import { parentPort, workerData } from 'node:worker_threads';
import { solveRowsCg } from './cg.js';
import { gramianPart } from './linear-algebra.js';
import type { Csr } from './matrix.js';

/** Worker side of parallel ALS: solves a range of rows in place in the shared factor matrices. */
export interface AlsWorkerData {
  users: Float32Array;
  items: Float32Array;
  userItems: Csr;
  itemUsers: Csr;
  k: number;
  alpha: number;
  cgSteps: number;
}
/** Solve a range of rows of one side, or sum a range of rows of one side's Gramian. */
export type AlsTask =
  | { kind: 'solve'; side: 'users' | 'items'; start: number; end: number; yty: Float64Array }
  | { kind: 'gramian'; side: 'users' | 'items'; start: number; end: number };

const d = workerData as AlsWorkerData;
parentPort!.on('message', (t: AlsTask) => {
  if (t.kind === 'gramian') return parentPort!.postMessage(gramianPart(d[t.side], t.start, t.end, d.k));
  if (t.side === 'users')
    solveRowsCg(d.users, d.items, t.yty, d.userItems, d.alpha, d.k, d.cgSteps, t.start, t.end);
  else solveRowsCg(d.items, d.users, t.yty, d.itemUsers, d.alpha, d.k, d.cgSteps, t.start, t.end);
  parentPort!.postMessage(true);
});
