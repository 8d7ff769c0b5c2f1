import { instantiate, PAGE, SCRATCH_PAGES, WasmArena, type Exports } from './kernels.js';

/**
 * user-personalization's item factors in WebAssembly's memory, for the two loops its ranking runs per shopper:
 * the fold-in (conjugate gradient on the ALS user equation, from zero) and the affinity x·y_i with each
 * candidate (candidates × k multiply-adds). In JavaScript the two were about half of ranking a home list.
 */
export class FactorScoring {
  /** The factors (n×k), read by the recipe's other paths from here: one copy in memory. */
  readonly items: Float32Array;
  private readonly x: Exports;
  private readonly yty: Float64Array;
  private readonly user: Float32Array;
  private readonly vector: Float64Array;
  private readonly ptr: Int32Array;
  private readonly idx: Int32Array;
  private readonly val: Float32Array;
  private readonly candidates: Int32Array;
  private readonly out: Float64Array;
  private readonly scratch: number;

  private constructor(
    arena: WasmArena,
    items: Float32Array,
    yty: Float64Array,
    private readonly k: number,
  ) {
    const n = items.length / k;
    this.items = arena.alloc(Float32Array, items.length);
    this.items.set(items);
    this.yty = arena.alloc(Float64Array, k * k);
    this.yty.set(yty);
    this.user = arena.alloc(Float32Array, k);
    this.vector = arena.alloc(Float64Array, k);
    this.ptr = arena.alloc(Int32Array, 2);
    this.idx = arena.alloc(Int32Array, n);
    this.val = arena.alloc(Float32Array, n);
    this.candidates = arena.alloc(Int32Array, n);
    this.out = arena.alloc(Float64Array, n);
    this.scratch = arena.memory.grow(SCRATCH_PAGES) * PAGE;
    this.x = instantiate(arena.memory);
  }

  /** Undefined when the kernels cannot take the factors (an odd k): the recipe's JavaScript loops then run. */
  static for(items: Float32Array, yty: Float64Array, k: number): FactorScoring | undefined {
    const n = items.length / k;
    const arena = WasmArena.for(
      k,
      [4 * items.length, 8 * k * k, 4 * k, 8 * k, 8, 4 * n, 4 * n, 4 * n, 8 * n],
      0,
    );
    return arena && new FactorScoring(arena, items, yty, k);
  }

  /** x for a history of distinct items (idx) with strengths r (val), as solveRowsCg from x = 0 finds it. */
  foldIn(idx: Int32Array, val: Float32Array, alpha: number, steps: number): Float64Array {
    this.ptr[1] = idx.length;
    this.idx.set(idx);
    this.val.set(val);
    this.user.fill(0);
    const { user, items, yty, ptr, k } = this;
    this.x.solve(
      user.byteOffset,
      items.byteOffset,
      0,
      yty.byteOffset,
      ptr.byteOffset,
      this.idx.byteOffset,
      this.val.byteOffset,
      alpha,
      k,
      steps,
      0,
      1,
      0,
      this.scratch,
    );
    return Float64Array.from(user);
  }

  /** out[c] = x · y_candidates[c], for the first candidates.length entries of out. */
  affinities(x: Float64Array, candidates: Int32Array, out: Float64Array): void {
    this.vector.set(x);
    this.candidates.set(candidates);
    const m = candidates.length;
    this.x.affinities(
      this.items.byteOffset,
      this.vector.byteOffset,
      this.candidates.byteOffset,
      m,
      this.k,
      this.out.byteOffset,
    );
    out.set(this.out.subarray(0, m));
  }
}
