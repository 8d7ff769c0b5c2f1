import { parentPort, workerData } from 'node:worker_threads';
import { alsKernels } from './kernels.js';
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
  /** B⁻¹ y_r for every row of a fixed side whose other side's half-steps use the identity (woodbury.ts). */
  projections: Partial<Record<Side, Float32Array>>;
  /** The WebAssembly memory every array above lives in, when the kernels of kernels.wat run them. */
  memory?: WebAssembly.Memory;
}
export type Side = 'users' | 'items';
/** Solve a range of rows of one side, sum a range of rows of one side's Gramian, or project a range of rows. */
export type AlsTask =
  | { kind: 'solve'; side: Side; start: number; end: number; yty: Float64Array }
  | { kind: 'gramian'; side: Side; start: number; end: number }
  | { kind: 'project'; side: Side; start: number; end: number; bInverse: Float64Array };

const kernels = alsKernels(workerData as AlsWorkerData);
parentPort!.on('message', (t: AlsTask) => {
  if (t.kind === 'gramian') return parentPort!.postMessage(kernels.gramian(t.side, t.start, t.end));
  if (t.kind === 'project') kernels.project(t.side, t.bInverse, t.start, t.end);
  else kernels.solve(t.side, t.yty, t.start, t.end);
  parentPort!.postMessage(true);
});
