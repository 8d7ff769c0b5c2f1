import { balancedRanges, WorkerPool } from '../../parallel/pool.js';
import { mulberry32 } from '../random.js';
import type { AlsTask, AlsWorkerData, Side } from './als-worker.js';
import { alsKernels, csrBytes, WasmArena } from './kernels.js';
import { finishGramian, inverse } from './linear-algebra.js';
import { sharedCopy, transpose, type Csr } from './matrix.js';
import { woodburyPays } from './woodbury.js';

/** Row ranges the Gramian is summed over (a fixed number, so results do not depend on the threads). */
const GRAMIAN_PARTS = 8;

export interface AlsParams {
  factors: number;
  regularization: number;
  /** Confidence c = 1 + alpha · r for an observed pair of strength r. */
  alpha: number;
  iterations: number;
  cgSteps: number;
  seed: number;
}

export interface AlsFactors {
  users: Float32Array;
  items: Float32Array;
}

/**
 * Implicit ALS: alternately solve all user rows with item factors fixed, then all item rows with user factors
 * fixed. Rows are independent within a half-step, so they are split across worker threads that write into
 * shared factor matrices. A side whose rows are mostly short (shoppers with a few events) is solved exactly by
 * the Woodbury identity, which needs the fixed side projected first (woodbury.ts). The loops run in WebAssembly
 * (kernels.wat) over one memory all threads share, unless it cannot hold the data (kernels.ts).
 */
export async function trainAls(
  userItems: Csr,
  p: AlsParams,
  threads: number,
  onIteration?: (done: number, total: number) => void,
): Promise<AlsFactors> {
  const k = p.factors;
  const shared = threads > 1;
  let itemUsers = transpose(userItems);
  // Decided once: it depends on the rows' lengths alone. Keyed by the fixed side that is projected.
  const projectItems = woodburyPays(userItems, userItems.cols, k, p.cgSteps);
  const projectUsers = woodburyPays(itemUsers, itemUsers.cols, k, p.cgSteps);
  const [usersBytes, itemsBytes] = [userItems.rows * k * 4, userItems.cols * k * 4];
  // Everything the kernels read or write, in WebAssembly's memory when they can take it (kernels.ts).
  const arena = WasmArena.for(
    k,
    [
      usersBytes,
      itemsBytes,
      projectItems ? itemsBytes : 0,
      projectUsers ? usersBytes : 0,
      ...csrBytes(userItems),
      ...csrBytes(itemUsers),
    ],
    threads,
  );
  const alloc = (n: number) =>
    arena
      ? arena.alloc(Float32Array, n)
      : shared
        ? new Float32Array(new SharedArrayBuffer(n * 4))
        : new Float32Array(n);
  const users = alloc(userItems.rows * k);
  const items = alloc(userItems.cols * k);
  const random = mulberry32(p.seed);
  for (let i = 0; i < items.length; i++) items[i] = (random() - 0.5) * 0.02;
  const projections: AlsWorkerData['projections'] = {};
  if (projectItems) projections.items = alloc(items.length);
  if (projectUsers) projections.users = alloc(users.length);
  if (arena) {
    userItems = arena.csr(userItems);
    itemUsers = arena.csr(itemUsers);
  } else if (shared) itemUsers = sharedCopy(itemUsers);

  const data: AlsWorkerData = {
    users,
    items,
    userItems,
    itemUsers,
    k,
    alpha: p.alpha,
    cgSteps: p.cgSteps,
    projections,
    memory: arena?.memory,
  };
  const pool = shared
    ? new WorkerPool<AlsTask, boolean | Float64Array>(
        new URL('./als-worker.js', import.meta.url),
        threads,
        data,
      )
    : undefined;
  const local = pool ? undefined : alsKernels(data);
  const userRanges = balancedRanges(userItems.ptr, threads * 4);
  const itemRanges = balancedRanges(itemUsers.ptr, threads * 4);
  /**
   * YᵀY of the fixed side (n·k²/2 multiply-adds), summed in GRAMIAN_PARTS fixed row ranges, on the worker
   * threads when there are several: the same ranges either way, so the factors do not depend on the threads.
   */
  const fixedGramian = async (fixed: 'users' | 'items'): Promise<Float64Array> => {
    const rows = fixed === 'users' ? userItems.rows : userItems.cols;
    const tasks = evenRanges(rows, GRAMIAN_PARTS).map(([start, end]) => ({
      kind: 'gramian' as const,
      side: fixed,
      start,
      end,
    }));
    const parts = pool
      ? ((await pool.run(tasks)) as Float64Array[])
      : tasks.map((t) => local!.gramian(t.side, t.start, t.end));
    return finishGramian(parts, k, p.regularization);
  };
  /** z_r = (YᵀY + λI)⁻¹ y_r for every row of the fixed side, on the worker threads when there are several. */
  const project = async (fixed: Side, yty: Float64Array): Promise<void> => {
    const bInverse = inverse(yty, k);
    const rows = data[fixed].length / k;
    if (!pool) return local!.project(fixed, bInverse, 0, rows);
    await pool.run(
      evenRanges(rows, threads * 4).map(([start, end]) => ({
        kind: 'project' as const,
        side: fixed,
        start,
        end,
        bInverse,
      })),
    );
  };
  try {
    for (let it = 0; it < p.iterations; it++) {
      for (const side of ['users', 'items'] as const) {
        const fixed = side === 'users' ? 'items' : 'users';
        const yty = await fixedGramian(fixed);
        if (projections[fixed]) await project(fixed, yty);
        const ranges = side === 'users' ? userRanges : itemRanges;
        if (pool) await pool.run(ranges.map(([start, end]) => ({ kind: 'solve', side, start, end, yty })));
        else local!.solve(side, yty, 0, side === 'users' ? userItems.rows : itemUsers.rows);
      }
      onIteration?.(it + 1, p.iterations);
    }
  } finally {
    await pool?.close();
  }
  return { users: Float32Array.from(users), items: Float32Array.from(items) };
}

/** rows split into `parts` consecutive ranges of equal length (the last may be shorter or empty). */
function evenRanges(rows: number, parts: number): [number, number][] {
  const step = Math.ceil(rows / parts);
  return Array.from({ length: parts }, (_, t) => [Math.min(rows, t * step), Math.min(rows, (t + 1) * step)]);
}
