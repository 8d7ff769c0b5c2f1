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

/** A distance beyond any session's length: no shared item on that side. */
const FAR = 2 ** 30;
/** Distances with a precomputed decay; longer ones (rare) compute theirs. */
const DECAY_TABLE = 256;
/** Sessions this long or longer have their length looked up in ptr. */
const LONG_SESSION = 0xffff;

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
  /** Beside each post, its session's length (LONG_SESSION: look it up in ptr), read in order with the post. */
  private postLengths = new Uint16Array(0);

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
    this.derive();
  }

  /** What serving keeps beside the fitted arrays (restore's as fit's). */
  private derive(): void {
    const { ptr } = this.groups;
    this.inQuery = new Uint8Array(this.postPtr.length - 1);
    this.postLengths = Uint16Array.from(this.posts, (s) => Math.min(LONG_SESSION, ptr[s + 1] - ptr[s]));
  }

  /**
   * Calls add(item, vote) for each vote of the neighbour sessions (sparse: only the items they hold), the most
   * similar session's first. It runs for every home list ranked, a million of them after each promotion, so
   * it allocates nothing per session and reads what it can in order (nearest says how).
   */
  addScores(query: Query, add: (item: number, vote: number) => void): void {
    const history = query.items.subarray(Math.max(0, query.items.length - this.params.maxHistory));
    const L = history.length;
    if (L === 0) return;
    const distinct = this.queryItems(history);
    const nearest = this.nearest(distinct, L);
    const inQuery = this.inQuery;
    // Marks the query's items for the distances, and takes the marks off whatever happens.
    for (let d = 0; d < distinct; d++) inQuery[this.queryDistinct[d]] = 1;
    try {
      this.vote(nearest, add);
    } finally {
      for (let d = 0; d < distinct; d++) inQuery[this.queryDistinct[d]] = 0;
    }
  }

  /** The votes of the nearest sessions, with the query's items marked in inQuery. */
  private vote(nearest: NearestSessions, add: (item: number, vote: number) => void): void {
    const { ptr, items } = this.groups;
    const inQuery = this.inQuery;
    const decay = this.decayTable();
    const h = this.params.distanceHalfLife;
    // Each neighbour's bounds and first items lie at random places of every session's: read all of them
    // first, in loops of independent loads whose cache misses overlap, instead of one after another between
    // the votes (the term took 69 µs a query instead of 85 with 300,000 sessions).
    if (this.bounds.length < 2 * nearest.size) this.bounds = new Int32Array(2 * nearest.size);
    const bounds = this.bounds;
    for (let n = 0; n < nearest.size; n++) {
      bounds[2 * n] = ptr[nearest.sessions[n]];
      bounds[2 * n + 1] = ptr[nearest.sessions[n] + 1];
    }
    let first = 0;
    for (let n = 0; n < nearest.size; n++) first += items[bounds[2 * n]];
    // Written only so that the compiler keeps the loop above: never read.
    this.warmed = first;
    for (let n = 0; n < nearest.size; n++) {
      const sim = nearest.sims[n];
      const start = bounds[2 * n];
      const end = bounds[2 * n + 1];
      if (this.dist.length < end - start) this.dist = new Int32Array(2 * (end - start));
      const dist = this.dist;
      // Distance of each position to the nearest item the session shares with the query.
      let lastShared = -FAR;
      for (let p = start; p < end; p++) {
        if (inQuery[items[p]]) lastShared = p;
        dist[p - start] = Math.min(FAR, p - lastShared);
      }
      lastShared = end + FAR;
      for (let p = end - 1; p >= start; p--) {
        if (inQuery[items[p]]) lastShared = p;
        dist[p - start] = Math.min(dist[p - start], lastShared - p);
      }
      for (let p = start; p < end; p++) {
        const d = dist[p - start];
        // Every neighbour shares an item with the query, so FAR (none on either side) does not occur.
        add(items[p], sim * (d < decay.length ? decay[d] : 2 ** (-d / h)));
      }
    }
  }

  /**
   * The neighbours most similar to the query's distinct items, best first. Each session's similarity is summed
   * in a small open-addressing table (the weights of the items it shares, in the order of the query's items),
   * and its length is read beside the post: an accumulator per session and ptr, at random places of a million
   * sessions, cost two cache misses per session touched.
   */
  private nearest(distinct: number, L: number): NearestSessions {
    const { ptr } = this.groups;
    const { posts, postLengths: lengths, postPtr, queryDistinct } = this;
    let walked = 0;
    for (let d = 0; d < distinct; d++) walked += postPtr[queryDistinct[d] + 1] - postPtr[queryDistinct[d]];
    const table = this.sessionTable.reset(walked);
    for (let d = 0; d < distinct; d++) {
      const w = this.queryWeights[d];
      for (let k = postPtr[queryDistinct[d]], end = postPtr[queryDistinct[d] + 1]; k < end; k++)
        table.add(posts[k], w, lengths[k]);
    }
    // At most the sessions touched: neighbors may be Infinity (every session votes).
    const nearest = this.nearestSessions.reset(Math.min(Math.ceil(this.params.neighbors), table.count));
    // Last touched first, so that each item's sessions come newest first: of equal similarity the newer one
    // wins, and an older one then stays out at one comparison instead of replacing the heap's root (whom the
    // heap keeps does not depend on the order).
    for (let t = table.count - 1; t >= 0; t--) {
      const slot = table.order[t];
      const s = table.keys[slot];
      const length = table.lengths[slot] === LONG_SESSION ? ptr[s + 1] - ptr[s] : table.lengths[slot];
      nearest.offer(s, table.sums[slot] / Math.sqrt(length * L));
    }
    return nearest.sorted();
  }

  /** Reused by addScores: the query's distinct items and their weights, and a mark per catalog item. */
  private queryDistinct = new Int32Array(16);
  private queryWeights = new Float64Array(16);
  private sessionTable = new SessionTable();
  private inQuery = new Uint8Array(0);
  private nearestSessions = new NearestSessions();
  private dist = new Int32Array(64);
  private bounds = new Int32Array(0);
  private warmed = 0;
  private decay = { halfLife: NaN, table: new Float64Array(0) };

  /**
   * The query's distinct items that the model knows into queryDistinct, first appearance first, each with its
   * weight w_p = p / L at its newest position p (counted from 1) into queryWeights; returns how many. A linear
   * search for repeats: a query holds at most maxHistory items.
   */
  private queryItems(history: ArrayLike<number>): number {
    const L = history.length;
    if (this.queryDistinct.length < L) {
      this.queryDistinct = new Int32Array(L);
      this.queryWeights = new Float64Array(L);
    }
    const known = this.postPtr.length - 1;
    let m = 0;
    for (let p = 0; p < L; p++) {
      const item = history[p];
      if (item < 0 || item >= known) continue;
      let d = 0;
      while (d < m && this.queryDistinct[d] !== item) d++;
      if (d === m) this.queryDistinct[m++] = item;
      this.queryWeights[d] = (p + 1) / L;
    }
    return m;
  }

  /** 2^(−d/h) for the distances most votes have: Math.pow per vote was a fifth of the neighbour term. */
  private decayTable(): Float64Array {
    const h = this.params.distanceHalfLife;
    if (this.decay.halfLife !== h) {
      const table = Float64Array.from({ length: DECAY_TABLE }, (_, d) => 2 ** (-d / h));
      this.decay = { halfLife: h, table };
    }
    return this.decay.table;
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
    this.derive();
  }
}

/**
 * Sums per session for one query, in open addressing: sized to the posts walked, so it stays in the core's
 * own caches. order lists the slots in the order their sessions first came.
 */
class SessionTable {
  keys = new Int32Array(0);
  sums = new Float64Array(0);
  lengths = new Uint16Array(0);
  order = new Int32Array(0);
  count = 0;
  private mask = 0;
  private shift = 32;

  /** Empties the table with room for at least n sessions at most half full. */
  reset(n: number): this {
    if (this.order.length < n || this.keys.length === 0) {
      const capacity = 2 ** Math.ceil(Math.log2(Math.max(16, 2 * n)));
      this.keys = new Int32Array(capacity).fill(-1);
      this.sums = new Float64Array(capacity);
      this.lengths = new Uint16Array(capacity);
      this.order = new Int32Array(capacity >> 1);
      this.mask = capacity - 1;
      this.shift = 32 - Math.log2(capacity);
    } else for (let t = 0; t < this.count; t++) this.keys[this.order[t]] = -1;
    this.count = 0;
    return this;
  }

  add(session: number, weight: number, length: number): void {
    const { keys, mask } = this;
    // Fibonacci hashing: the product's high bits.
    let slot = Math.imul(session, 0x9e3779b1) >>> this.shift;
    while (keys[slot] !== session && keys[slot] !== -1) slot = (slot + 1) & mask;
    if (keys[slot] === -1) {
      keys[slot] = session;
      this.sums[slot] = 0;
      this.lengths[slot] = length;
      this.order[this.count++] = slot;
    }
    this.sums[slot] += weight;
  }
}

/**
 * The k sessions of largest similarity offered, ties to the more recent (higher index) session: a bounded
 * min-heap in typed arrays, O(m log k) for m sessions offered instead of sorting them all, reused from query to
 * query. sorted() lists them best first in sessions and sims.
 */
export class NearestSessions {
  sessions = new Int32Array(0);
  sims = new Float64Array(0);
  size = 0;
  private k = 0;

  reset(k: number): this {
    if (this.sessions.length < k) {
      this.sessions = new Int32Array(k);
      this.sims = new Float64Array(k);
    }
    this.k = k;
    this.size = 0;
    return this;
  }

  offer(s: number, sim: number): void {
    const { sessions, sims } = this;
    if (this.size < this.k) {
      // Up from the new leaf while it ranks below its parent ("below": lower similarity, or equal and older).
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!(sim < sims[p] || (sim === sims[p] && s < sessions[p]))) break;
        sessions[i] = sessions[p];
        sims[i] = sims[p];
        i = p;
      }
      sessions[i] = s;
      sims[i] = sim;
    } else if (this.k > 0 && (sims[0] < sim || (sims[0] === sim && sessions[0] < s))) {
      this.siftDown(this.size, s, sim);
    }
  }

  /** The kept sessions best first: the root (the lowest) taken off one by one fills the arrays from the end. */
  sorted(): this {
    const { sessions, sims } = this;
    for (let n = this.size - 1; n > 0; n--) {
      const s = sessions[0];
      const sim = sims[0];
      this.siftDown(n, sessions[n], sims[n]);
      sessions[n] = s;
      sims[n] = sim;
    }
    return this;
  }

  /** Puts (s, sim) at the root of the heap's first size entries and moves it down to its place. */
  private siftDown(size: number, s: number, sim: number): void {
    const { sessions, sims } = this;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      let m = l;
      const r = l + 1;
      if (r < size && (sims[r] < sims[l] || (sims[r] === sims[l] && sessions[r] < sessions[l]))) m = r;
      if (!(sims[m] < sim || (sims[m] === sim && sessions[m] < s))) break;
      sessions[i] = sessions[m];
      sims[i] = sims[m];
      i = m;
    }
    sessions[i] = s;
    sims[i] = sim;
  }
}
