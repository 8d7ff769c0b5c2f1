import type { AlsWorkerData, Side } from './als-worker.js';
import { solveSide } from './half-step.js';
import { wasm } from './kernels.wat.js';
import { finishGramian, gramian, gramianPart } from './linear-algebra.js';
import type { Csr } from './matrix.js';
import { cgCost, projectRows, woodburyCost } from './woodbury.js';

/**
 * The three loops of a half-step, for rows start..end-1 of one side: the worker threads and the main thread
 * run them alike.
 */
export interface AlsKernels {
  /** The upper triangle of Σ y_r y_rᵀ over the side's rows start..end-1. */
  gramian(side: Side, start: number, end: number): Float64Array;
  /** z_r = B⁻¹ y_r into the side's projections. */
  project(side: Side, bInverse: Float64Array, start: number, end: number): void;
  /** Solves the side's rows in place, the other side fixed. */
  solve(side: Side, yty: Float64Array, start: number, end: number): void;
}

/** WebAssembly's when the data lives in its memory (WasmArena), else the JavaScript loops. */
export function alsKernels(d: AlsWorkerData): AlsKernels {
  return d.memory ? new WasmKernels(d, d.memory) : new JsKernels(d);
}

class JsKernels implements AlsKernels {
  constructor(private readonly d: AlsWorkerData) {}
  gramian(side: Side, start: number, end: number): Float64Array {
    return gramianPart(this.d[side], start, end, this.d.k);
  }
  project(side: Side, bInverse: Float64Array, start: number, end: number): void {
    projectRows(this.d[side], bInverse, this.d.k, this.d.projections[side]!, start, end);
  }
  solve(side: Side, yty: Float64Array, start: number, end: number): void {
    solveSide(this.d, side, yty, start, end);
  }
}

/** A WebAssembly page, the unit memories grow by. */
export const PAGE = 65_536;
/** A 32-bit WebAssembly memory holds at most this many pages (4 GiB). */
const MAX_PAGES = 65_536;
/** Room each thread's kernels take for scratch above the arena, in pages (see WasmKernels). */
export const SCRATCH_PAGES = 64;

/** kernels.wat's functions: every argument a byte address in the memory, a count or a scalar. */
export interface Exports {
  affinities(y: number, x: number, candidates: number, m: number, k: number, out: number): void;
  gramian(y: number, start: number, end: number, k: number, g: number, scratch: number): void;
  project(
    y: number,
    bInverse: number,
    k: number,
    z: number,
    start: number,
    end: number,
    scratch: number,
  ): void;
  solve(
    x: number,
    y: number,
    z: number,
    yty: number,
    ptr: number,
    idx: number,
    val: number,
    alpha: number,
    k: number,
    steps: number,
    start: number,
    end: number,
    directBelow: number,
    scratch: number,
  ): number;
}

/** Compiled once per thread, on first use. */
let compiled: WebAssembly.Module | undefined;
export const instantiate = (memory: WebAssembly.Memory): Exports => {
  compiled ??= new WebAssembly.Module(wasm);
  return new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as Exports;
};

/**
 * YᵀY + λI of a factor matrix (n×k, row-major), by kernels.wat when it can take the matrix: a model computes
 * it when it loads, on the thread that serves (100,000 items: about 2 s in JavaScript on a slow morning).
 */
export function factorGramian(y: Float32Array, n: number, k: number, lambda: number): Float64Array {
  const arena = WasmArena.for(k, [y.byteLength], 0);
  if (!arena) return gramian(y, n, k, lambda);
  const rows = arena.alloc(Float32Array, n * k);
  rows.set(y.subarray(0, n * k));
  const sum = arena.memory.grow(SCRATCH_PAGES) * PAGE;
  instantiate(arena.memory).gramian(rows.byteOffset, 0, n, k, sum, sum + 8 * k * k);
  return finishGramian(new Float64Array(arena.memory.buffer, sum, k * k).slice(), k, lambda);
}

/**
 * kernels.wat over the arena's memory. Each instance takes a private scratch of its own by growing the shared
 * memory (grow is atomic, so threads never share a region): the k×k matrix of the call, the Gramian's sum and
 * the solvers' vectors.
 */
class WasmKernels implements AlsKernels {
  private readonly x: Exports;
  private readonly matrix: number;
  private readonly sum: number;
  private readonly work: number;
  /** Rows with fewer items than this are solved by the identity (when the fixed side was projected). */
  private readonly directBelow: number;

  constructor(
    private readonly d: AlsWorkerData,
    private readonly memory: WebAssembly.Memory,
  ) {
    this.x = instantiate(memory);
    const k = d.k;
    let n = 0;
    // woodburyCost grows faster than cgCost: the identity pays below one row length and never above it.
    while (woodburyCost(n, k) < cgCost(n, k, d.cgSteps)) n++;
    this.directBelow = n;
    const workBytes = 8 * Math.max(4 * k, k + 2 * k * n + 2 * n + n * n);
    const bytes = 16 * k * k + workBytes;
    if (bytes > SCRATCH_PAGES * PAGE) throw new Error(`${k} factors need more scratch than ALS sets aside`);
    this.matrix = memory.grow(SCRATCH_PAGES) * PAGE;
    this.sum = this.matrix + 8 * k * k;
    this.work = this.sum + 8 * k * k;
  }

  gramian(side: Side, start: number, end: number): Float64Array {
    const k = this.d.k;
    const sum = new Float64Array(this.memory.buffer, this.sum, k * k);
    sum.fill(0);
    this.x.gramian(this.d[side].byteOffset, start, end, k, this.sum, this.work);
    return sum.slice();
  }

  project(side: Side, bInverse: Float64Array, start: number, end: number): void {
    new Float64Array(this.memory.buffer, this.matrix, bInverse.length).set(bInverse);
    const z = this.d.projections[side]!;
    this.x.project(this.d[side].byteOffset, this.matrix, this.d.k, z.byteOffset, start, end, this.work);
  }

  solve(side: Side, yty: Float64Array, start: number, end: number): void {
    const d = this.d;
    const [x, y, m] = side === 'users' ? [d.users, d.items, d.userItems] : [d.items, d.users, d.itemUsers];
    const z = d.projections[side === 'users' ? 'items' : 'users'];
    new Float64Array(this.memory.buffer, this.matrix, yty.length).set(yty);
    const failed = this.x.solve(
      x.byteOffset,
      y.byteOffset,
      z?.byteOffset ?? 0,
      this.matrix,
      m.ptr.byteOffset,
      m.idx.byteOffset,
      m.val.byteOffset,
      d.alpha,
      d.k,
      d.cgSteps,
      start,
      end,
      this.directBelow,
      this.work,
    );
    if (failed >= 0) throw new Error(`matrix is not positive definite (${side} row ${failed})`);
  }
}

/**
 * One WebAssembly memory holding the factor matrices, their projections and both forms of the matrix, so
 * that the kernels of every thread read and write them in place. A bump allocator: nothing is freed but the
 * whole arena, when training drops it.
 */
export class WasmArena {
  readonly memory: WebAssembly.Memory;
  /** Address 0 stays unused: the kernels read it as "no array". */
  private used = 16;

  private constructor(bytes: number) {
    this.memory = new WebAssembly.Memory({
      initial: Math.ceil(bytes / PAGE),
      maximum: MAX_PAGES,
      shared: true,
    });
  }

  /**
   * An arena for arrays of these sizes in bytes, or undefined when the kernels cannot take them: an odd number
   * of factors (they work on pairs), or more than a 32-bit memory holds with every thread's scratch.
   */
  static for(k: number, arrays: readonly number[], threads: number): WasmArena | undefined {
    const bytes = arrays.reduce((sum, n) => sum + align(n), 16);
    if (k % 2 !== 0 || bytes / PAGE + (threads + 1) * SCRATCH_PAGES > MAX_PAGES) return undefined;
    return new WasmArena(bytes);
  }

  alloc<T extends Float32Array | Int32Array | Float64Array>(
    C: { new (b: ArrayBufferLike, o: number, n: number): T; BYTES_PER_ELEMENT: number },
    n: number,
  ): T {
    const view = new C(this.memory.buffer, this.used, n);
    this.used += align(n * C.BYTES_PER_ELEMENT);
    return view;
  }

  /** A copy of the matrix in the arena. */
  csr(m: Csr): Csr {
    const copy = <T extends Float32Array | Int32Array>(
      a: T,
      C: { new (b: ArrayBufferLike, o: number, n: number): T; BYTES_PER_ELEMENT: number },
    ) => {
      const out = this.alloc(C, a.length);
      out.set(a);
      return out;
    };
    return {
      rows: m.rows,
      cols: m.cols,
      ptr: copy(m.ptr, Int32Array),
      idx: copy(m.idx, Int32Array),
      val: copy(m.val, Float32Array),
    };
  }
}

/** Bytes rounded up to 16, the alignment of the kernels' vectors. */
const align = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** The bytes a matrix takes in an arena. */
export const csrBytes = (m: Csr): number[] => [4 * m.ptr.length, 4 * m.idx.length, 4 * m.val.length];
