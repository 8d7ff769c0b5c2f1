/** An item index with its score; higher scores rank first. */
export interface ScoredItem {
  item: number;
  score: number;
}

/** "a ranks below b": a lower score, or an equal score and a higher index. */
const worse = (sa: number, ia: number, sb: number, ib: number) => sa < sb || (sa === sb && ia > ib);

/**
 * The n best entries of scores in descending order, skipping -Infinity (excluded items) and NaN (untouched
 * sparse scores); item i's score is scores[i · stride] (SparseScores' cells). A bounded min-heap: O(m log n)
 * for m scores. Ties go to the lower index so results are deterministic. It runs on every served request, so
 * it allocates nothing per candidate: no closures, and swaps through locals rather than array destructuring.
 */
export function topK(scores: Float32Array, n: number, candidates?: Int32Array, stride = 1): ScoredItem[] {
  const heap = new MinHeap(n, new Float32Array(n));
  if (candidates)
    for (let k = 0; k < candidates.length; k++) heap.offer(candidates[k], scores[candidates[k] * stride]);
  else for (let item = 0; item * stride < scores.length; item++) heap.offer(item, scores[item * stride]);
  const out: ScoredItem[] = [];
  for (let i = 0; i < heap.size; i++) out.push({ item: heap.items[i], score: heap.scores[i] });
  return out.sort((a, b) => b.score - a.score || a.item - b.item);
}

/**
 * The items of the n best entries, as topK would list them but in no particular order: for callers that only
 * need which items they are (sorting them and making an object of each cost as much as finding them).
 */
export function bestItems(scores: Float32Array, n: number, candidates: Int32Array, stride = 1): Int32Array {
  const heap = new MinHeap(n, new Float32Array(n));
  for (let k = 0; k < candidates.length; k++) heap.offer(candidates[k], scores[candidates[k] * stride]);
  return heap.items.subarray(0, heap.size);
}

/**
 * The n candidates with the highest keys (float64, as training computes them), best first, ties to the lower
 * index: what sorting them all and keeping n gives, in O(m log n) for m candidates.
 */
export function bestCandidates(keys: Float64Array, candidates: Int32Array, n: number): Int32Array {
  const heap = new MinHeap(n, new Float64Array(n));
  for (let k = 0; k < candidates.length; k++) heap.offer(candidates[k], keys[candidates[k]]);
  return heap.items.slice(0, heap.size).sort((a, b) => keys[b] - keys[a] || a - b);
}

/** The n best (score, item) pairs offered so far, the worst of them at the root. */
class MinHeap {
  readonly items: Int32Array;
  size = 0;

  /** scores: room for n scores, in the precision the caller ranks by. */
  constructor(
    private readonly n: number,
    readonly scores: Float32Array | Float64Array,
  ) {
    this.items = new Int32Array(n);
  }

  offer(item: number, s: number): void {
    if (s === -Infinity || s !== s) return;
    const { items, scores } = this;
    if (this.size < this.n) {
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(s, item, scores[p], items[p])) break;
        items[i] = items[p];
        scores[i] = scores[p];
        i = p;
      }
      items[i] = item;
      scores[i] = s;
    } else if (this.n > 0 && worse(scores[0], items[0], s, item)) this.siftDown(item, s);
  }

  /** Replaces the root with (item, s) and moves it down to its place. */
  private siftDown(item: number, s: number): void {
    const { items, scores, size } = this;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      // m: the child that ranks worst, when it ranks below the item moving down.
      let m = l < size && worse(scores[l], items[l], s, item) ? l : -1;
      const ms = m < 0 ? s : scores[l];
      const mi = m < 0 ? item : items[l];
      if (r < size && worse(scores[r], items[r], ms, mi)) m = r;
      if (m < 0) break;
      items[i] = items[m];
      scores[i] = scores[m];
      i = m;
    }
    items[i] = item;
    scores[i] = s;
  }
}
