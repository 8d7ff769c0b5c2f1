import type { Interactions } from '../data/interactions.js';
import type { Query } from './query.js';
import type { Snapshot } from './snapshot.js';
import { topK, type ScoredItem } from './top-k.js';

export const RECIPE_NAMES = [
  'popular',
  'trending',
  'similar-items',
  'bought-together',
  'user-personalization',
  'personalized-ranking',
  'random',
] as const;
export type RecipeName = (typeof RECIPE_NAMES)[number];

/** Why an item was recommended (PRODUCT.md §6), with the history item that led to it where there is one. */
export interface Reason {
  type: 'viewed' | 'bought-together' | 'popular' | 'trending' | 'similar-users';
  item?: number;
}

/** One new event for incremental updates, in training indices (-1 for an item or user unseen at fit time). */
export interface InteractionEvent {
  user: number;
  item: number;
  type: number;
  time: number;
  basket?: number;
  /** The shopper's previous items, oldest first, as the real-time state knows them (for co-occurrence updates). */
  recent?: Int32Array;
}

export interface FitOptions {
  /** Worker threads to train with; defaults to the machine's cores. 1 trains on the calling thread. */
  threads?: number;
  onProgress?: (done: number, total: number, stage: string) => void;
}

export interface RecommendOptions {
  /** Leave out the items in the query's history (default true). */
  excludeSeen?: boolean;
  /** Further items to leave out. */
  exclude?: Int32Array;
  /** Rank only these items (personalized ranking, filters). */
  candidates?: Int32Array;
  /**
   * With candidates: also rank every item the recipe's sparse terms reach from the query (the first stage of
   * two-stage retrieval on a large catalog). Recipes without sparse terms ignore it.
   */
  addLinked?: boolean;
}

/**
 * The one contract every recipe implements, so that serving and evaluation take any of them: fit on history,
 * score a batch of queries, find similar items, take new events incrementally, save and load, explain.
 */
export interface Recipe {
  readonly name: RecipeName;
  readonly params: object;
  readonly numItems: number;
  fit(data: Interactions, options?: FitOptions): Promise<void>;
  /** Writes a score for every item into out (length numItems); -Infinity means "never recommend". */
  scoreInto(query: Query, out: Float32Array): void;
  /** Top n items for each query, best first. */
  recommend(queries: readonly Query[], n: number, options?: RecommendOptions): ScoredItem[][];
  similarItems(item: number, n: number): ScoredItem[];
  update(events: readonly InteractionEvent[]): void;
  save(): Snapshot;
  load(snapshot: Snapshot): void;
  explain(query: Query, item: number): Reason;
  /** explain for several items at once, where one pass over the history serves them all. */
  explainAll?(query: Query, items: ArrayLike<number>): Reason[];
}

/** Shared batch recommendation on top of scoreInto. */
export abstract class ScoringRecipe implements Recipe {
  abstract readonly name: RecipeName;
  abstract readonly params: object;
  abstract readonly numItems: number;
  abstract fit(data: Interactions, options?: FitOptions): Promise<void>;
  abstract scoreInto(query: Query, out: Float32Array): void;
  abstract similarItems(item: number, n: number): ScoredItem[];
  abstract update(events: readonly InteractionEvent[]): void;
  abstract save(): Snapshot;
  abstract load(snapshot: Snapshot): void;
  abstract explain(query: Query, item: number): Reason;

  recommend(queries: readonly Query[], n: number, options: RecommendOptions = {}): ScoredItem[][] {
    const scores = new Float32Array(this.numItems);
    return queries.map((query) => {
      this.scoreInto(query, scores);
      if (options.excludeSeen ?? true) for (const item of query.items) scores[item] = -Infinity;
      if (options.exclude) for (const item of options.exclude) scores[item] = -Infinity;
      return topK(scores, n, options.candidates);
    });
  }

  protected checkSnapshot(snapshot: Snapshot): void {
    if (snapshot.recipe !== this.name)
      throw new Error(`snapshot holds a ${snapshot.recipe} model, not ${this.name}`);
  }
}

/** The item of the history that a candidate relates to most, by a similarity function; -1 when none does. */
export function strongestLink(query: Query, similarity: (historyItem: number) => number): number {
  let best = -1;
  let bestSim = 0;
  for (let i = query.items.length - 1; i >= 0; i--) {
    const s = similarity(query.items[i]);
    if (s > bestSim) [best, bestSim] = [query.items[i], s];
  }
  return best;
}
