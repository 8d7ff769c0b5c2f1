import { bestItems, topK, type ScoredItem } from './top-k.js';

/**
 * Scores for the few items a query touches, over a dense array so that adding is O(1) and resetting is
 * O(touched) instead of O(catalog): the accumulator of the sparse (serving) scoring paths.
 *
 * An untouched item holds NaN, so one read tells both whether an item was touched and its score: on a
 * large catalog each read is a cache miss, and the serving kernels make thousands per request. topK passes
 * NaN over, as it does -Infinity (excluded items).
 *
 * The list of touched items is kept in a typed array that outlives the query: a JS array emptied by
 * `length = 0` drops its storage and grows it again on the next request, kilobytes of garbage per request
 * that the young-generation collector pays for under load.
 *
 * With a stride above 1, each item's score heads a cell of that many values, the rest the owner's own: what
 * a kernel reads about an item at each touch (item-knn's normaliser and occurrences) then shares its cache
 * line with the score, one miss where separate arrays cost one each.
 */
export class SparseScores {
  /** Item i's score at values[i · stride]; the cell's other places belong to the owner. */
  readonly values: Float32Array;
  private order = new Int32Array(64);
  private count = 0;

  constructor(
    size: number,
    readonly stride = 1,
  ) {
    this.values = new Float32Array(size * stride).fill(NaN);
  }

  /** Adds amount to the item's score; an item touched for the first time starts from base. */
  add(item: number, amount: number, base = 0): void {
    const v = this.values;
    const at = item * this.stride;
    if (v[at] !== v[at]) {
      this.touch(item);
      v[at] = base;
    }
    v[at] += amount;
  }

  /**
   * Records the first touch of an untouched item whose score the caller then writes into values itself: for
   * a kernel that walks its links with no call per link.
   */
  touch(item: number): void {
    if (this.count === this.order.length) this.grow();
    this.order[this.count++] = item;
  }

  private grow(): void {
    const larger = new Int32Array(2 * this.order.length);
    larger.set(this.order);
    this.order = larger;
  }

  /** The items touched since the last reset, in the order they were first touched (a view, valid until then). */
  get touched(): Int32Array {
    return this.order.subarray(0, this.count);
  }

  isTouched(item: number): boolean {
    const at = item * this.stride;
    return this.values[at] === this.values[at];
  }

  /** The item's score, 0 when untouched. */
  get(item: number): number {
    const s = this.values[item * this.stride];
    return s === s ? s : 0;
  }

  /** Leaves a touched item out of the ranking (topK passes -Infinity over) until the reset. */
  exclude(item: number): void {
    if (this.isTouched(item)) this.values[item * this.stride] = -Infinity;
  }

  /** The n best touched items (topK). */
  best(n: number): ScoredItem[] {
    return topK(this.values, n, this.touched, this.stride);
  }

  /** The items of the n best touched items, in no particular order. */
  bestItems(n: number): Int32Array {
    return bestItems(this.values, n, this.touched, this.stride);
  }

  reset(): void {
    for (let k = 0; k < this.count; k++) this.values[this.order[k] * this.stride] = NaN;
    this.count = 0;
  }
}
