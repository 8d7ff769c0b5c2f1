import type { AlsWorkerData, Side } from './als-worker.js';
import { solveRowsCg } from './cg.js';
import { WoodburyRows } from './woodbury.js';

/**
 * One side's half-step of implicit ALS on rows start..end-1, in place: by the Woodbury identity for the rows
 * it is cheaper for when the fixed side was projected, by conjugate gradient for the others.
 */
export function solveSide(d: AlsWorkerData, side: Side, yty: Float64Array, start: number, end: number): void {
  const [x, y, m] = side === 'users' ? [d.users, d.items, d.userItems] : [d.items, d.users, d.itemUsers];
  const z = d.projections[side === 'users' ? 'items' : 'users'];
  const direct = z && new WoodburyRows(x, y, z, m, d.alpha, d.k, d.cgSteps);
  solveRowsCg(x, y, yty, m, d.alpha, d.k, d.cgSteps, start, end, direct);
}
