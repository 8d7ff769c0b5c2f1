import { DEFAULT_EVENT_WEIGHTS, EventCode, type EventType, weightsByCode } from '../domain/events.js';
import type { Interactions } from '../data/interactions.js';
import { numItems } from '../data/interactions.js';
import {
  attributeIndexArrays,
  attributeIndexFrom,
  attributeNeighbors,
  buildAttributeIndex,
  type AttributeIndex,
} from './attribute-neighbors.js';
import { countCoOccurrences, type CoCounts } from './co-occurrence.js';
import { basketGroups, userGroups } from './groups.js';
import type { Query } from './query.js';
import {
  ScoringRecipe,
  strongestLink,
  type InteractionEvent,
  type Reason,
  type RecommendOptions,
} from './recipe.js';
import { SparseScores } from './sparse-scores.js';
import type { Snapshot } from './snapshot.js';
import { topK, type ScoredItem } from './top-k.js';

/** How much of the popularity order the sparse path keeps at hand (more is computed on demand). */
const POPULARITY_PREFIX = 1000;
/** An item's cell in the kernel's scores: the score and its normaliser as a neighbour. */
const CELL = 2;
const NORM = 1;

export interface ItemKnnParams {
  /** 'user': items near each other in a shopper's history; 'basket': items in the same order or cart. */
  groupBy: 'user' | 'basket';
  window: number;
  maxNeighbors: number;
  alpha: number;
  /** Weight of a pair where the neighbour came before the item (1 = symmetric "also viewed"). */
  backwardWeight: number;
  distanceDecay: number;
  /** The query's history counts its last maxHistory events, each halving in weight every historyHalfLife steps. */
  maxHistory: number;
  historyHalfLife: number;
  eventWeights: Record<EventType, number>;
}

const DEFAULTS: Record<'similar-items' | 'bought-together', ItemKnnParams> = {
  'similar-items': {
    groupBy: 'user',
    window: 5,
    maxNeighbors: 100,
    alpha: 0.5,
    backwardWeight: 1,
    distanceDecay: 0.8,
    maxHistory: 20,
    historyHalfLife: 3,
    eventWeights: { ...DEFAULT_EVENT_WEIGHTS },
  },
  'bought-together': {
    groupBy: 'basket',
    window: 50,
    maxNeighbors: 100,
    alpha: 0.5,
    backwardWeight: 1,
    distanceDecay: 1,
    maxHistory: 20,
    historyHalfLife: 5,
    eventWeights: { ...DEFAULT_EVENT_WEIGHTS, view: 0, recommendation_click: 0 },
  },
};

/**
 * Item-to-item collaborative filtering (the SIMS recipe). similar-items counts items near each other in
 * shoppers' histories ("customers who viewed this also viewed"); bought-together counts items in the same
 * basket. A query scores items by the similarity to its recent history, newer events weighing more:
 *   score(j) = Σ_t 2^(−age_t / halfLife) · w(type_t) · sim(h_t, j)
 * plus a popularity epsilon so that items with no link still rank in a sensible order.
 */
export class ItemKnnRecipe extends ScoringRecipe {
  readonly params: ItemKnnParams;
  private co: CoCounts = {
    ptr: new Int32Array(1),
    neighbors: new Int32Array(0),
    counts: new Float32Array(0),
    occurrences: new Float64Array(0),
  };
  private attributes: AttributeIndex = buildAttributeIndex(undefined, 0, []);
  /** Pairs seen since fit that are not among an item's kept neighbours: item → neighbour → count. */
  private fresh = new Map<number, Map<number, number>>();
  /** Event weights by code, for the hot loops (params change only on load). */
  private weights: Float32Array;
  private normI: Float64Array = new Float64Array(0);
  /**
   * The serving kernel's scores, each item's cell also holding its normaliser as a neighbour (CELL): the
   * kernel reads both for every link it walks, at random places of the catalog, and in one cell they cost one
   * cache miss, where a column and an accumulator of their own cost two. With a million shoppers the kernel
   * was 30% of the busy main thread on product pages; the cells and ShopperStates.inModel together served
   * ~12% more of them per second (paired runs). The occurrences, read only at an item's first touch, have a
   * column of their own: cells of 8 bytes instead of 16 keep 100k items' scores in 800 KB, within a core's
   * L2 cache: the kernel took ~14% less time per query (interleaved runs on the synthetic shop), and a server
   * answered ~6% more product pages per second (ABBA runs, a million shoppers). Both are float32 here, and
   * every form of scoring reads them from here.
   */
  private cells = new SparseScores(0, CELL);
  private occurrenceColumn = new Float32Array(0);
  private maxOccurrence = 1;

  constructor(
    readonly name: 'similar-items' | 'bought-together',
    params: Partial<ItemKnnParams> = {},
  ) {
    super();
    this.params = {
      ...DEFAULTS[name],
      ...params,
      eventWeights: { ...DEFAULTS[name].eventWeights, ...params.eventWeights },
    };
    this.weights = weightsByCode(this.params.eventWeights);
  }

  get numItems(): number {
    return this.co.occurrences.length;
  }

  async fit(data: Interactions): Promise<void> {
    const weights = weightsByCode(this.params.eventWeights);
    let groups = this.params.groupBy === 'basket' ? basketGroups(data, weights) : undefined;
    // Without baskets (or baskets without purchases), neighbours in a shopper's history stand in for them.
    if (!groups || groups.items.length === 0) groups = userGroups(data, this.positiveWeights(weights));
    this.co = countCoOccurrences(groups, numItems(data), this.params);
    this.attributes = buildAttributeIndex(data.itemInfo, numItems(data), this.co.occurrences);
    this.fresh.clear();
    this.derive();
  }

  /** Event weights with every positive signal counted, for data that has none of the configured types. */
  private positiveWeights(weights: Float32Array): Float32Array {
    return weights.some((w) => w > 0) ? weightsByCode({ ...DEFAULT_EVENT_WEIGHTS }) : weights;
  }

  private derive(): void {
    this.normI = new Float64Array(this.numItems);
    this.cells = new SparseScores(this.numItems, CELL);
    this.occurrenceColumn = new Float32Array(this.numItems);
    this.maxOccurrence = 1;
    for (let i = 0; i < this.numItems; i++) this.deriveItem(i);
  }

  /** The normalisers of one item, after its occurrences changed: O(1), so updates cost O(events). */
  private deriveItem(i: number): void {
    const n = this.co.occurrences[i];
    this.normI[i] = n > 0 ? n ** this.params.alpha : 1;
    this.cells.values[CELL * i + NORM] = n > 0 ? n ** (1 - this.params.alpha) : 1;
    this.occurrenceColumn[i] = n;
    // As scoring reads it, so that no item's epsilon exceeds the largest.
    if (this.occurrences(i) > this.maxOccurrence) this.maxOccurrence = this.occurrences(i);
    this.popularityStale = true;
  }

  private sim(i: number, j: number, count: number): number {
    return count / (this.normI[i] * this.cells.values[CELL * j + NORM]);
  }

  /** Calls visit(j, sim(i, j)) for each neighbour of i, kept or fresh. */
  private forNeighbors(i: number, visit: (j: number, sim: number) => void): void {
    const { ptr, neighbors, counts } = this.co;
    for (let k = ptr[i]; k < ptr[i + 1]; k++) visit(neighbors[k], this.sim(i, neighbors[k], counts[k]));
    this.fresh.get(i)?.forEach((count, j) => visit(j, this.sim(i, j, count)));
  }

  private positions = new Int32Array(64);

  /**
   * The history positions this recipe listens to, oldest first: the last maxHistory of them, and for
   * bought-together only the cart's (added or bought) when there are any. In a reused array (a view, valid
   * until the next call): the serving kernels ask for it on every request.
   */
  private relevantHistory(query: Query): Int32Array {
    const { items, types } = query;
    if (this.positions.length < items.length) this.positions = new Int32Array(2 * items.length);
    const positions = this.positions;
    let m = 0;
    if (this.name === 'bought-together')
      for (let t = 0; t < items.length; t++)
        if (types[t] === EventCode.add_to_cart || types[t] === EventCode.purchase) positions[m++] = t;
    if (m === 0) for (let t = 0; t < items.length; t++) positions[m++] = t;
    return positions.subarray(Math.max(0, m - this.params.maxHistory), m);
  }

  private distinctItems = new Int32Array(64);
  private distinctWeights = new Float64Array(64);

  /**
   * The items of the query's recent history, each once, in the order of their first events, with w the sum
   * over its events of 2^(−age/halfLife) · w(type): in distinctItems and distinctWeights (reused arrays, valid
   * until the next call); returns how many. Scoring is linear in w, so an item viewed, carted and bought has
   * its links walked once instead of three times, each walk up to maxNeighbors reads at random places of the
   * catalog. In the RetailRocket sample 32% of shoppers' last twenty events repeat an item; in the synthetic
   * shop of `gu bench`, 4% (and there paired runs measured no change).
   */
  private weightedHistory(query: Query): number {
    const history = this.relevantHistory(query);
    if (this.distinctItems.length < history.length) {
      this.distinctItems = new Int32Array(history.length);
      this.distinctWeights = new Float64Array(history.length);
    }
    const items = this.distinctItems;
    const weights = this.distinctWeights;
    let m = 0;
    for (let k = 0; k < history.length; k++) {
      const item = query.items[history[k]];
      if (item < 0 || item >= this.numItems) continue;
      const recency = 2 ** (-(history.length - 1 - k) / this.params.historyHalfLife);
      const w = recency * (this.weights[query.types[history[k]]] || 1);
      // A linear scan: a history holds at most maxHistory events.
      let d = 0;
      while (d < m && items[d] !== item) d++;
      if (d === m) {
        items[m] = item;
        weights[m++] = w;
      } else weights[d] += w;
    }
    return m;
  }

  /** The readable dense form: every item gets the popularity epsilon, then the links of the history. */
  scoreInto(query: Query, out: Float32Array): void {
    const eps = this.epsilon();
    for (let j = 0; j < out.length; j++) out[j] = eps * this.occurrences(j);
    const m = this.weightedHistory(query);
    for (let d = 0; d < m; d++) {
      const w = this.distinctWeights[d];
      this.forNeighbors(this.distinctItems[d], (j, s) => (out[j] += w * s));
    }
  }

  /**
   * The sparse part of the score, as scoreInto computes it: w·sim(h, j) added for every link j of the history,
   * each item touched for the first time starting from its popularity epsilon. The serving paths' kernel: it
   * walks the neighbour rows directly and writes the cells itself, with no call per link but the first touch
   * (a call per history item and SparseScores.add per link were a quarter of it, measured on 100k items and
   * a million shoppers). The scores are the recipe's own, until the caller resets them.
   */
  accumulate(query: Query): SparseScores {
    const { ptr, neighbors, counts } = this.co;
    const { normI, cells, occurrenceColumn: occurrences } = this;
    const v = cells.values;
    const eps = this.epsilon();
    const m = this.weightedHistory(query);
    const items = this.distinctItems;
    const weights = this.distinctWeights;
    for (let d = 0; d < m; d++) {
      const i = items[d];
      const w = weights[d];
      const ni = normI[i];
      for (let k = ptr[i], end = ptr[i + 1]; k < end; k++) {
        const j = neighbors[k];
        const c = CELL * j;
        // As SparseScores.add does it: an untouched cell (NaN) starts from the epsilon.
        if (v[c] !== v[c]) {
          cells.touch(j);
          v[c] = eps * occurrences[j];
        }
        v[c] += w * (counts[k] / (ni * v[c + NORM]));
      }
      this.fresh
        .get(i)
        ?.forEach((count, j) => cells.add(j, w * (count / (ni * v[CELL * j + NORM])), eps * occurrences[j]));
    }
    return cells;
  }

  /** The item's occurrences, as scoring reads them (float32). */
  private occurrences(item: number): number {
    return this.occurrenceColumn[item];
  }

  /** An item's score before any link: its popularity epsilon. */
  baseScore(item: number): number {
    return Math.fround(this.epsilon() * this.occurrences(item));
  }

  /** Small enough that the popularity tie-breaker never outranks a real link. */
  private epsilon(): number {
    return 1e-7 / this.maxOccurrence;
  }

  /**
   * The same ranking as the dense form in O(links) instead of O(catalog): linked items by score, then, when
   * fewer than n, the rest by popularity (which is all the epsilon decides among unlinked items).
   */
  override recommend(queries: readonly Query[], n: number, options: RecommendOptions = {}): ScoredItem[][] {
    if (options.candidates) return super.recommend(queries, n, options);
    return queries.map((query) => {
      // Same float32 arithmetic as the dense form: each linked item starts at its epsilon, then adds its links.
      const acc = this.accumulate(query);
      // Items that may not be listed score -Infinity, which topK passes over.
      const unlisted = (items: ArrayLike<number>) => {
        for (let k = 0; k < items.length; k++) acc.exclude(items[k]);
      };
      if (options.exclude) unlisted(options.exclude);
      if (options.excludeSeen ?? true) unlisted(query.items);
      // Only the n best linked items can make the list: a bounded heap, not a sort of everything linked.
      const found = acc.best(n);
      acc.reset();
      // An unlinked item scores its epsilon alone: n linked items above the largest epsilon are the answer.
      if (
        found.length === n &&
        (n === 0 || found[n - 1].score > Math.fround(this.epsilon() * this.maxOccurrence))
      )
        return found;
      // Else the most popular unlinked items that may be listed compete: only the n best of them can make it.
      const skip = new Set<number>(options.exclude);
      if (options.excludeSeen ?? true) for (const item of query.items) skip.add(item);
      for (const s of found) skip.add(s.item);
      let added = 0;
      const fill = (order: Int32Array) => {
        for (const item of order) {
          if (added >= n) break;
          if (skip.has(item)) continue;
          found.push({ item, score: this.baseScore(item) });
          skip.add(item);
          added++;
        }
      };
      fill(this.byPopularity());
      // Rare: so much is excluded that the prefix ran out.
      if (added < n && this.popularityOrder?.complete === false) fill(this.byPopularity(true));
      return found.sort((a, b) => b.score - a.score || a.item - b.item).slice(0, n);
    });
  }

  /**
   * Items in the order of their popularity epsilon, most first, ties to the lower index (the dense form's
   * order among unlinked items): the best POPULARITY_PREFIX only, found by a bounded heap in O(catalog), or all
   * when more is asked. Refreshed at most once a second after updates.
   */
  private popularityOrder?: { at: number; order: Int32Array; complete: boolean };
  private byPopularity(all = false): Int32Array {
    const now = performance.now();
    const cached = this.popularityOrder;
    if (cached && (cached.complete || !all) && (!this.popularityStale || now - cached.at < 1000))
      return cached.order;
    const eps = this.epsilon();
    const keys = Float32Array.from({ length: this.numItems }, (_, i) => eps * this.occurrences(i));
    const size = all ? this.numItems : Math.min(this.numItems, POPULARITY_PREFIX);
    const order = Int32Array.from(topK(keys, size), (s) => s.item);
    this.popularityOrder = { at: now, order, complete: size === this.numItems };
    this.popularityStale = false;
    return order;
  }
  private popularityStale = true;

  similarItems(item: number, n: number): ScoredItem[] {
    const found: ScoredItem[] = [];
    if (item >= 0 && item < this.numItems)
      this.forNeighbors(item, (j, score) => found.push({ item: j, score }));
    found.sort((a, b) => b.score - a.score || a.item - b.item);
    const top = found.slice(0, n);
    // Cold or rare items: fill with items of the same category and brand, below every co-occurrence neighbour.
    const cold = attributeNeighbors(this.attributes, item, n - top.length, new Set(top.map((s) => s.item)));
    return [...top, ...cold.map((j, k) => ({ item: j, score: -k - 1 }))];
  }

  update(events: readonly InteractionEvent[]): void {
    const weights = this.weights;
    for (const e of events) {
      const w = weights[e.type];
      if (w <= 0 || e.item < 0 || e.item >= this.numItems) continue;
      this.co.occurrences[e.item] += w;
      this.deriveItem(e.item);
      const recent = e.recent ?? new Int32Array(0);
      for (let d = 1; d <= Math.min(this.params.window, recent.length); d++) {
        const j = recent[recent.length - d];
        if (j < 0 || j >= this.numItems || j === e.item) continue;
        const pair = this.params.distanceDecay ** (d - 1);
        this.bump(j, e.item, pair);
        this.bump(e.item, j, pair * this.params.backwardWeight);
      }
    }
  }

  private bump(i: number, j: number, amount: number): void {
    const { ptr, neighbors, counts } = this.co;
    for (let k = ptr[i]; k < ptr[i + 1]; k++)
      if (neighbors[k] === j) {
        counts[k] += amount;
        return;
      }
    let row = this.fresh.get(i);
    if (!row) this.fresh.set(i, (row = new Map()));
    row.set(j, (row.get(j) ?? 0) + amount);
  }

  save(): Snapshot {
    const fresh = [...this.fresh].flatMap(([i, row]) => [...row].map(([j, c]) => [i, j, c]));
    return {
      recipe: this.name,
      params: { ...this.params },
      state: { fresh },
      arrays: { ...this.co, ...attributeIndexArrays(this.attributes) } as unknown as Snapshot['arrays'],
    };
  }

  load(snapshot: Snapshot): void {
    this.checkSnapshot(snapshot);
    Object.assign(this.params, snapshot.params);
    this.weights = weightsByCode(this.params.eventWeights);
    const a = snapshot.arrays;
    this.co = {
      ptr: a.ptr as Int32Array,
      neighbors: a.neighbors as Int32Array,
      counts: a.counts as Float32Array,
      occurrences: a.occurrences as Float64Array,
    };
    this.attributes = attributeIndexFrom(a);
    this.fresh.clear();
    for (const [i, j, c] of snapshot.state.fresh as [number, number, number][]) this.bump(i, j, c);
    this.derive();
  }

  explain(query: Query, item: number): Reason {
    const link = strongestLink(query, (h) => {
      let s = 0;
      if (h >= 0 && h < this.numItems) this.forNeighbors(h, (j, sim) => j === item && (s = sim));
      return s;
    });
    if (link < 0) return { type: 'popular' };
    return { type: this.name === 'bought-together' ? 'bought-together' : 'viewed', item: link };
  }

  /**
   * The same reasons as explain, in one pass over the history's links instead of one per item: newest history
   * first, and only a strictly stronger link replaces an anchor, so ties go to the newest as in strongestLink.
   */
  explainAll(query: Query, items: ArrayLike<number>): Reason[] {
    const position = new Map<number, number>();
    for (let k = 0; k < items.length; k++) if (!position.has(items[k])) position.set(items[k], k);
    const best = new Float64Array(items.length);
    const anchor = new Int32Array(items.length).fill(-1);
    for (let t = query.items.length - 1; t >= 0; t--) {
      const h = query.items[t];
      if (h < 0 || h >= this.numItems) continue;
      this.forNeighbors(h, (j, sim) => {
        const k = position.get(j);
        if (k !== undefined && sim > best[k]) [best[k], anchor[k]] = [sim, h];
      });
    }
    const type = this.name === 'bought-together' ? 'bought-together' : 'viewed';
    return Array.from(items, (item) => {
      const a = anchor[position.get(item)!];
      return a < 0 ? { type: 'popular' } : { type, item: a };
    });
  }
}
