import type { LiveModel } from '../models/live-model.js';
import type { Query } from '../recipes/query.js';
import type { Recipe, RecommendOptions } from '../recipes/recipe.js';
import type { IndexedState } from '../realtime/shopper-states.js';
import { REASON_TYPES, type RankedList } from './home-lists.js';

/** The shopper's history as a query in the model's indices (items it does not know are left out). */
export const historyQuery = (model: LiveModel, items: readonly string[], types: readonly number[]): Query =>
  indexedQuery(model.indices(items), types);

/** A history already in the model's indices as a query; -1 (an item the model does not know) is left out. */
export function indexedQuery(indices: ArrayLike<number>, types: ArrayLike<number>): Query {
  const items = new Int32Array(indices.length);
  const codes = new Uint8Array(indices.length);
  let m = 0;
  for (let t = 0; t < indices.length; t++) {
    if (indices[t] < 0) continue;
    items[m] = indices[t];
    codes[m++] = types[t] ?? 0;
  }
  // Times are positions, as queryOf gives them: serving's recency is the order of events.
  return { user: -1, items: items.subarray(0, m), types: codes.subarray(0, m), times: positions(m) };
}

function positions(m: number): Float64Array {
  const times = new Float64Array(m);
  for (let i = 0; i < m; i++) times[i] = i;
  return times;
}

/** A shopper's latest events as a query in the model's indices (empty without a state). */
export const shopperQuery = (state: IndexedState | undefined): Query =>
  indexedQuery(state?.items ?? NONE, state?.types ?? NONE);

const NONE = new Int32Array(0);

/**
 * What a list is ranked with when no filter narrows it: the excluded items, and with a large catalog the
 * first-stage candidates, to which the recipe adds what the history links to.
 */
export const unfilteredOptions = (exclude: Int32Array, candidates?: Int32Array): RecommendOptions => ({
  addLinked: candidates !== undefined,
  excludeSeen: true,
  exclude,
  candidates,
});

/** The recipe's top n for the query with, when asked, each item's reason: one ranking for every caller. */
export function rankList(
  recipe: Recipe,
  query: Query,
  n: number,
  options: RecommendOptions,
  explain: boolean,
): RankedList {
  const [scored] = recipe.recommend([query], n, options);
  const list: RankedList = {
    items: new Int32Array(scored.length),
    scores: new Float32Array(scored.length),
    reasons: new Uint8Array(scored.length),
    anchors: new Int32Array(scored.length).fill(-1),
  };
  scored.forEach((s, i) => {
    list.items[i] = s.item;
    list.scores[i] = s.score;
  });
  if (!explain) return list;
  const reasons = recipe.explainAll?.(query, list.items) ?? scored.map((s) => recipe.explain(query, s.item));
  reasons.forEach((reason, i) => {
    list.reasons[i] = REASON_TYPES.indexOf(reason.type);
    if (reason.item !== undefined) list.anchors[i] = reason.item;
  });
  return list;
}
