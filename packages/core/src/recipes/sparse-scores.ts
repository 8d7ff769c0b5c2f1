/**
 * Scores for the few items a query touches, over a dense array so that adding is O(1) and resetting is
 * O(touched) instead of O(catalog): the accumulator of the sparse (serving) scoring paths.
 *
 * An untouched item holds NaN, so one read tells both whether an item was touched and its score: on a
 * large catalog each read is a cache miss, and the serving kernels make thousands per request. topK passes
 * NaN over, as it does -Infinity (excluded items).
 */
export class SparseScores {
  readonly values: Float32Array;
  readonly touched: number[] = [];

  constructor(size: number) {
    this.values = new Float32Array(size).fill(NaN);
  }

  /** Adds amount to the item's score; an item touched for the first time starts from base. */
  add(item: number, amount: number, base = 0): void {
    const v = this.values;
    if (v[item] !== v[item]) {
      this.touched.push(item);
      v[item] = base;
    }
    v[item] += amount;
  }

  isTouched(item: number): boolean {
    return this.values[item] === this.values[item];
  }

  /** The item's score, 0 when untouched. */
  get(item: number): number {
    const s = this.values[item];
    return s === s ? s : 0;
  }

  reset(): void {
    for (const item of this.touched) this.values[item] = NaN;
    this.touched.length = 0;
  }
}
