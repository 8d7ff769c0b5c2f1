import type { Groups } from './co-occurrence.js';
import type { Query } from './query.js';

export interface SessionKnnParams {
  /** Neighbour sessions that vote. */
  neighbors: number;
  /** Only this many of the most recent sessions per item are candidates (V-SKNN's sample). */
  sampleSize: number;
  /** Query items taken into account, the newest ones. */
  maxHistory: number;
  /** In a neighbour session, an item's vote decays with its distance d to the nearest shared item: 2^(−d/h). */
  distanceHalfLife: number;
}

export const SESSION_KNN_DEFAULTS: SessionKnnParams = {
  neighbors: 100,
  sampleSize: 1000,
  maxHistory: 10,
  distanceHalfLife: 3,
};

/**
 * Session-based nearest neighbours ("shoppers who did what you are doing"), after V-SKNN and STAN
 * (Ludewig & Jannach 2018; Garg et al., SIGIR 2019). The current session's items weigh by position, newest
 * heaviest (w_p = p / L); a past session n is similar in proportion to the weight of the items it shares,
 * normalised by sqrt(|n|); the k most similar sessions vote for their items, each vote decaying with its
 * distance to the shared item within that session.
 */
export class SessionKnn {
  readonly params: SessionKnnParams;
  private groups: Groups = { ptr: new Int32Array(1), items: new Int32Array(0), weights: new Float32Array(0) };
  /** Sessions containing each item, most recent last, at most sampleSize of them. */
  private postPtr: Int32Array = new Int32Array(1);
  private posts: Int32Array = new Int32Array(0);
  private simAcc = new Float64Array(0);

  constructor(params: Partial<SessionKnnParams> = {}) {
    this.params = { ...SESSION_KNN_DEFAULTS, ...params };
  }

  fit(groups: Groups, numItems: number): void {
    this.groups = groups;
    const sessions = groups.ptr.length - 1;
    const lists: number[][] = Array.from({ length: numItems }, () => []);
    for (let s = 0; s < sessions; s++)
      for (let p = groups.ptr[s]; p < groups.ptr[s + 1]; p++) {
        const list = lists[groups.items[p]];
        if (list[list.length - 1] !== s) list.push(s);
      }
    this.postPtr = new Int32Array(numItems + 1);
    const posts: number[] = [];
    lists.forEach((list, i) => {
      for (const s of list.slice(-this.params.sampleSize)) posts.push(s);
      this.postPtr[i + 1] = posts.length;
    });
    this.posts = Int32Array.from(posts);
    this.simAcc = new Float64Array(sessions);
  }

  /** Calls add(item, vote) for each vote of the neighbour sessions (sparse: only the items they hold). */
  addScores(query: Query, add: (item: number, vote: number) => void): void {
    const { ptr, items } = this.groups;
    const history = query.items.subarray(Math.max(0, query.items.length - this.params.maxHistory));
    const L = history.length;
    if (L === 0) return;
    const touched: number[] = [];
    const qWeight = new Map<number, number>();
    history.forEach((item, p) => qWeight.set(item, Math.max(qWeight.get(item) ?? 0, (p + 1) / L)));
    for (const [item, w] of qWeight) {
      if (item < 0 || item + 1 >= this.postPtr.length) continue;
      for (let k = this.postPtr[item]; k < this.postPtr[item + 1]; k++) {
        const s = this.posts[k];
        if (this.simAcc[s] === 0) touched.push(s);
        this.simAcc[s] += w;
      }
    }
    for (const s of touched) this.simAcc[s] /= Math.sqrt((ptr[s + 1] - ptr[s]) * L);
    const nearest = mostSimilar(touched, this.simAcc, this.params.neighbors);
    const sims = nearest.map((s) => ({ s, sim: this.simAcc[s] }));
    for (const s of touched) this.simAcc[s] = 0;
    const h = this.params.distanceHalfLife;
    for (const { s, sim } of sims) {
      const start = ptr[s];
      const end = ptr[s + 1];
      // Distance of each position to the nearest item the session shares with the query.
      let lastShared = -Infinity;
      const dist = new Float64Array(end - start).fill(Infinity);
      for (let p = start; p < end; p++) {
        if (qWeight.has(items[p])) lastShared = p;
        dist[p - start] = p - lastShared;
      }
      lastShared = Infinity;
      for (let p = end - 1; p >= start; p--) {
        if (qWeight.has(items[p])) lastShared = p;
        dist[p - start] = Math.min(dist[p - start], lastShared - p);
      }
      for (let p = start; p < end; p++) add(items[p], sim * 2 ** (-dist[p - start] / h));
    }
  }

  arrays() {
    return {
      sknnPtr: this.groups.ptr,
      sknnItems: this.groups.items,
      sknnPostPtr: this.postPtr,
      sknnPosts: this.posts,
    };
  }

  restore(a: Record<string, unknown>): void {
    const ptr = a.sknnPtr as Int32Array;
    this.groups = { ptr, items: a.sknnItems as Int32Array, weights: new Float32Array(0) };
    this.postPtr = a.sknnPostPtr as Int32Array;
    this.posts = a.sknnPosts as Int32Array;
    this.simAcc = new Float64Array(ptr.length - 1);
  }
}

/**
 * The k sessions of largest sim, best first, ties to the more recent (higher index) session: a bounded
 * min-heap, O(m log k) for m touched sessions instead of sorting them all.
 */
export function mostSimilar(touched: readonly number[], sim: Float64Array, k: number): number[] {
  // "a ranks below b": lower similarity, or equal and older.
  const below = (a: number, b: number) => sim[a] < sim[b] || (sim[a] === sim[b] && a < b);
  const heap: number[] = [];
  const siftDown = () => {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && below(heap[l], heap[m])) m = l;
      if (r < heap.length && below(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (const s of touched) {
    if (heap.length < k) {
      heap.push(s);
      for (let i = heap.length - 1; i > 0;) {
        const p = (i - 1) >> 1;
        if (!below(heap[i], heap[p])) break;
        [heap[i], heap[p]] = [heap[p], heap[i]];
        i = p;
      }
    } else if (k > 0 && below(heap[0], s)) {
      heap[0] = s;
      siftDown();
    }
  }
  return heap.sort((a, b) => sim[b] - sim[a] || b - a);
}
