/**
 * Scores for the few items a query touches, over a dense array so that adding is O(1) and resetting is
 * O(touched) instead of O(catalog): the accumulator of the sparse (serving) scoring paths.
 */
export class SparseScores {
  readonly values: Float32Array;
  readonly touched: number[] = [];
  private readonly mark: Uint8Array;

  constructor(size: number) {
    this.values = new Float32Array(size);
    this.mark = new Uint8Array(size);
  }

  /** Adds amount to the item's score; an item touched for the first time starts from base. */
  add(item: number, amount: number, base = 0): void {
    if (!this.mark[item]) {
      this.mark[item] = 1;
      this.touched.push(item);
      this.values[item] = base;
    }
    this.values[item] += amount;
  }

  isTouched(item: number): boolean {
    return this.mark[item] === 1;
  }

  get(item: number): number {
    return this.values[item];
  }

  reset(): void {
    for (const item of this.touched) {
      this.mark[item] = 0;
      this.values[item] = 0;
    }
    this.touched.length = 0;
  }
}
