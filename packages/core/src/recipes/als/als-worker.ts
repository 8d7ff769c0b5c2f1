import { parentPort, workerData } from 'node:worker_threads';
import { solveSide } from './half-step.js';
import { gramianPart } from './linear-algebra.js';
import type { Csr } from './matrix.js';
import { projectRows } from './woodbury.js';

/** Worker side of parallel ALS: solves a range of rows in place in the shared factor matrices. */
export interface AlsWorkerData {
  users: Float32Array;
  items: Float32Array;
  userItems: Csr;
  itemUsers: Csr;
  k: number;
  alpha: number;
  cgSteps: number;
  /** B⁻¹ y_r for every row of a fixed side whose other side's half-steps use the identity (woodbury.ts). */
  projections: Partial<Record<Side, Float32Array>>;
}
export type Side = 'users' | 'items';
/** Solve a range of rows of one side, sum a range of rows of one side's Gramian, or project a range of rows. */
export type AlsTask =
  | { kind: 'solve'; side: Side; start: number; end: number; yty: Float64Array }
  | { kind: 'gramian'; side: Side; start: number; end: number }
  | { kind: 'project'; side: Side; start: number; end: number; bInverse: Float64Array };

const d = workerData as AlsWorkerData;
parentPort!.on('message', (t: AlsTask) => {
  if (t.kind === 'gramian') return parentPort!.postMessage(gramianPart(d[t.side], t.start, t.end, d.k));
  if (t.kind === 'project') projectRows(d[t.side], t.bInverse, d.k, d.projections[t.side]!, t.start, t.end);
  else solveSide(d, t.side, t.yty, t.start, t.end);
  parentPort!.postMessage(true);
});
