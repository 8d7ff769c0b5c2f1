import { EventCode, shopperKey } from '../domain/events.js';
import type { Item } from '../domain/items.js';
import { GuError } from '../errors.js';
import type { Arm } from '../experiments/experiment.js';
import type { LiveModel } from '../models/live-model.js';
import type { Reason, RecipeName } from '../recipes/recipe.js';
import { emptyQuery, type Query } from '../recipes/query.js';
import type { IndexedState, ShopperStates } from '../realtime/shopper-states.js';
import type { CatalogIndex } from './catalog-index.js';
import { compileFilter, type FilterDefinition } from './filters.js';
import { REASON_TYPES, type HomeLists, type RankedList } from './home-lists.js';
import { Lru } from './lru.js';
import { newRecommendationId, type Placement } from './placements.js';
import { historyQuery, indexedQuery, rankList, shopperQuery, unfilteredOptions } from './rank-list.js';

export interface RecommendationRequest {
  userId?: string;
  sessionId?: string;
  itemId?: string;
  placement: Placement;
  n: number;
  filter?: string;
  filterValues?: Record<string, unknown>;
  explain?: boolean;
}

export interface RecommendedItem {
  itemId: string;
  score: number;
  reason?: { type: Reason['type']; itemId?: string };
}

export interface Recommendations {
  recommendationId: string;
  placement: Placement;
  recipe: RecipeName;
  modelVersion: string | null;
  variant: string;
  fallback: boolean;
  tookMs: number;
  items: RecommendedItem[];
}

/** The serving models by recipe; replaced as a whole on promotion, so a request sees one consistent set. */
export type ModelSet = Partial<Record<RecipeName, LiveModel>>;

export interface RecommenderDeps {
  models: () => ModelSet;
  catalog: CatalogIndex;
  states: ShopperStates;
  filters: () => ReadonlyMap<string, FilterDefinition>;
  /** Budget of the model path; once it is spent the answer falls back (PRODUCT.md §6); 0 always falls back. */
  deadlineMs: number;
  /** Catalogs larger than this use two-stage retrieval for user-personalization (default FULL_SCORING_MAX_ITEMS). */
  fullScoringMaxItems?: number;
  /** Called when the model path fails, with the error (for logs and metrics). */
  onModelError?: (error: unknown) => void;
  /** Prepared home lists: served when still valid, and stored when a home request ranks one. */
  homeLists?: HomeLists;
  /**
   * A list older than this is ranked again, though the shopper did not act: the model's incremental updates,
   * the best sellers and the catalog have moved on (default HOME_LIST_MAX_AGE_MS).
   */
  homeListMaxAgeMs?: number;
  now?: () => number;
}

interface TopList {
  at: number;
  /** The model's applied offset and the catalog version it was ranked at. */
  offset: number;
  catalogVersion: number;
  items: RecommendedItem[];
  /** Fewer items than asked for: the catalog (or category) holds no more. */
  complete: boolean;
}

type Ranked = { items: RecommendedItem[]; recipe: RecipeName; model?: LiveModel };

/** An experiment's arm as served: with the model of its variant's version, when it names one. */
export interface ServingArm extends Arm {
  model?: LiveModel;
}

/**
 * The request with every field, in one order: callers' requests differ in which fields they carry, each set
 * a hidden class of its own, and the serving path's loads of `placement`, `userId`, `n`… went megamorphic,
 * missing V8's stub cache on every request (traced with --log-ic: six misses per home request). One shape
 * keeps them monomorphic.
 */
export const fullRequest = (r: RecommendationRequest): RecommendationRequest => ({
  userId: r.userId,
  sessionId: r.sessionId,
  itemId: r.itemId,
  placement: r.placement,
  n: r.n,
  filter: r.filter,
  filterValues: r.filterValues,
  explain: r.explain,
});

/** A home list answers unfiltered home requests about the shopper alone (no item in view). */
const homeListAnswers = (req: RecommendationRequest) =>
  req.placement === 'home' && !req.filter && !req.itemId;

interface RankOptions {
  n: number;
  /** Model indices left out besides the unavailable items (and, with excludeSeen, the query's own). */
  exclude?: Int32Array;
  predicate?: (item: Item) => boolean;
  explain: boolean;
  excludeSeen: boolean;
}

/**
 * Above this many items, user-personalization scores a retrieved candidate set (the items linked to the
 * shopper's history, the best sellers and what is trending) instead of every item: two-stage retrieval keeps
 * its dense factor term from costing catalog × factors multiply-adds on every request.
 */
export const FULL_SCORING_MAX_ITEMS = 5000;
export const HOME_LIST_MAX_AGE_MS = 12 * 3_600_000;
const RETRIEVE_POPULAR = 300;
/** top() ranks this many (or n, when more are asked), so that any n up to it is answered from one list. */
const TOP_LIST_SIZE = 100;
const TOP_LIST_MAX_AGE_MS = 1000;
/** Categories whose top lists are kept per model: the requests choose them, so their number is bounded. */
const TOP_LIST_CATEGORIES = 1000;
const RETRIEVE_TRENDING = 100;

/** Which recipe answers each placement, and what stands in when it is not trained. */
const PLACEMENT_RECIPES: Record<Placement, RecipeName[]> = {
  home: ['user-personalization', 'similar-items', 'popular'],
  pdp: ['similar-items', 'user-personalization', 'popular'],
  cart: ['bought-together', 'similar-items', 'popular'],
};

const UNPERSONALIZED = new Set<RecipeName>(['popular', 'trending']);

/** An arm's recipe first, then the placement's own order for what it cannot answer. */
const armRecipes = (placement: Placement, arm: Arm | undefined): readonly RecipeName[] =>
  arm
    ? [arm.recipe, ...PLACEMENT_RECIPES[placement].filter((r) => r !== arm.recipe)]
    : PLACEMENT_RECIPES[placement];

/**
 * Answers "what should this shopper see next?" from the serving models, the shopper's real-time state and the
 * catalog: picks the recipe for the placement, folds the latest events into the query, leaves out what is
 * unavailable, seen or in the cart, applies the named filter, explains, and falls back to popular + related
 * items when the model path fails or runs past the deadline.
 */
export class Recommender {
  private readonly blocked = new WeakMap<LiveModel, { version: number; items: Int32Array }>();
  /** The lists top() answers with, by model, then by category ('' for the whole catalog). */
  private readonly topLists = new WeakMap<LiveModel, Lru<string, TopList>>();
  /** First-stage candidates per model, in its indices; they follow the top lists, so at most a second old. */
  private readonly retrieved = new WeakMap<LiveModel, { at: number; items: Int32Array }>();

  constructor(private readonly deps: RecommenderDeps) {}

  /** The answer; in an experiment's arm, its recipe leads the placement's list. */
  recommend(request: RecommendationRequest, arm?: ServingArm): Recommendations {
    const req = fullRequest(request);
    return this.prepared(req, arm) ?? this.ranked(req, arm);
  }

  /**
   * The answer from the shopper's prepared home list, when the serving model ranked it from their current
   * state, the request is unfiltered and enough of it is still available; else undefined.
   */
  prepared(req: RecommendationRequest, arm?: ServingArm): Recommendations | undefined {
    const model = this.deps.models()['user-personalization'];
    const lists = this.deps.homeLists;
    if (!homeListAnswers(req) || !model || !lists || (!req.userId && !req.sessionId)) return undefined;
    // The lists are the serving user-personalization model's.
    if (arm && (arm.recipe !== 'user-personalization' || arm.model)) return undefined;
    const started = performance.now();
    const key = shopperKey(req);
    const version = this.deps.states.version(key);
    if (version === undefined) return undefined; // a shopper without history: nothing to prepare
    const found = lists.get(key, model.serial, version);
    const age = (this.deps.now?.() ?? Date.now()) - (found?.rankedAt ?? 0);
    const list = found && age <= (this.deps.homeListMaxAgeMs ?? HOME_LIST_MAX_AGE_MS) ? found : undefined;
    // The catalog changed since the ranking: items that stopped being available are passed over.
    const recheck = list && list.catalogVersion !== this.deps.catalog.version;
    const items = list && this.present(model, list, req.n, req.explain ?? false, recheck);
    if (!items || items.length < req.n) {
      lists.misses++;
      return undefined;
    }
    lists.hits++;
    return this.answer(req, { items, recipe: 'user-personalization', model }, false, started, arm);
  }

  private answer(req: RecommendationRequest, ranked: Ranked, fallback: boolean, started: number, arm?: Arm) {
    return {
      recommendationId: newRecommendationId(req.placement, arm),
      placement: req.placement,
      recipe: ranked.recipe,
      modelVersion: ranked.model?.version.id ?? null,
      variant: arm?.variant ?? 'default',
      fallback,
      tookMs: Math.round((performance.now() - started) * 1000) / 1000,
      // Items without reasons (a prepared list presented unexplained) are answered as they are.
      items:
        req.explain || !ranked.items.some((i) => i.reason)
          ? ranked.items
          : ranked.items.map(({ itemId, score }) => ({ itemId, score })),
    };
  }

  /** The answer ranked now (a home list is kept on the way). */
  ranked(req: RecommendationRequest, arm?: ServingArm): Recommendations {
    const started = performance.now();
    const predicate = this.filterPredicate(req.filter, req.filterValues);
    const key = req.userId || req.sessionId ? shopperKey(req) : undefined;
    if (req.placement === 'pdp' && !req.itemId)
      throw new GuError('INVALID_REQUEST', 'placement pdp needs itemId');

    let ranked: Ranked | undefined;
    let fallback = false;
    try {
      ranked = this.modelPath(req, key, predicate, started, arm);
    } catch (error) {
      if (error instanceof GuError) throw error;
      this.deps.onModelError?.(error);
    }
    if (!ranked || performance.now() - started >= this.deps.deadlineMs) {
      fallback = true;
      ranked = this.fallback(req, key, predicate);
    } else if (ranked.items.length < req.n) {
      const taken = ranked.items.map((i) => i.itemId);
      const topUp = this.fallback(req, key, predicate, taken);
      ranked.items.push(...topUp.items.slice(0, req.n - ranked.items.length));
    }
    return this.answer(req, ranked, fallback, started, arm);
  }

  /** Items like itemId ("customers who viewed this also viewed"), personalized by the shopper's history. */
  similar(
    itemId: string,
    n: number,
    recipe: 'similar-items' | 'bought-together' = 'similar-items',
  ): RecommendedItem[] {
    if (!this.deps.catalog.get(itemId) && !this.anyModelKnows(itemId))
      throw new GuError('UNKNOWN_ITEM', `no item ${itemId}`);
    const model = this.deps.models()[recipe];
    if (!model) return this.fallbackList([itemId], [itemId], n, undefined, 'viewed');
    const query = historyQuery(model, [itemId], [EventCode.add_to_cart]);
    const items = this.rank(model, query, { n, explain: true, excludeSeen: true });
    // A cold item (new to the model, or that nobody interacted with yet) has no co-occurrence links, so the
    // model could only rank the global best sellers: its catalog neighbours answer instead (PRODUCT.md §4).
    if (items.some((i) => i.reason?.itemId !== undefined)) return items;
    return this.fallbackList([itemId], [itemId], n, undefined, 'viewed');
  }

  /**
   * The best sellers (popular) or what is rising now (trending), optionally in one category. Ranking them
   * scores the whole catalog, so each list is kept while the model has applied no new event, and at most
   * TOP_LIST_MAX_AGE_MS while events stream in; a change to the catalog ranks it again at once.
   */
  top(recipe: 'popular' | 'trending', n: number, category?: string): RecommendedItem[] {
    const predicate = category === undefined ? undefined : (item: Item) => item.categories.includes(category);
    const model = this.deps.models()[recipe];
    if (!model) return this.fallbackList([], [], n, predicate, 'popular');
    let lists = this.topLists.get(model);
    if (!lists) this.topLists.set(model, (lists = new Lru(TOP_LIST_CATEGORIES)));
    const key = category === undefined ? '' : `c:${category}`;
    const now = this.deps.now?.() ?? Date.now();
    const { version } = this.deps.catalog;
    const kept = lists.get(key);
    if (
      kept &&
      kept.catalogVersion === version &&
      (kept.offset === model.appliedOffset || now - kept.at < TOP_LIST_MAX_AGE_MS) &&
      (kept.complete || kept.items.length >= n)
    )
      return kept.items.slice(0, n);
    const size = Math.max(n, TOP_LIST_SIZE);
    const items = this.rank(model, emptyQuery(), { n: size, predicate, explain: true, excludeSeen: false });
    lists.set(key, {
      at: now,
      offset: model.appliedOffset,
      catalogVersion: version,
      items,
      complete: items.length < size,
    });
    return items.slice(0, n);
  }

  /** The caller's candidates re-ranked for the shopper; items the model does not know keep their order after. */
  rankFor(shopper: { userId?: string; sessionId?: string }, itemIds: readonly string[]): RecommendedItem[] {
    const models = this.deps.models();
    const model = models['personalized-ranking'] ?? models['user-personalization'];
    if (!model) return itemIds.map((itemId) => ({ itemId, score: 0 }));
    const query = shopperQuery(this.deps.states.inModel(shopperKey(shopper), model));
    const candidates = Int32Array.from(new Set(model.indices(itemIds).filter((i) => i >= 0)));
    const scored = model.recipe.recommend([query], candidates.length, { candidates, excludeSeen: false })[0];
    const known = scored.map((s) => ({ itemId: model.itemIds[s.item], score: s.score }));
    const seen = new Set(known.map((k) => k.itemId));
    const unknown = [...new Set(itemIds)].filter((id) => !seen.has(id));
    return [...known, ...unknown.map((itemId) => ({ itemId, score: 0 }))];
  }

  filterPredicate(name?: string, values?: Record<string, unknown>): ((item: Item) => boolean) | undefined {
    if (!name) return undefined;
    const def = this.deps.filters().get(name);
    if (!def) throw new GuError('UNKNOWN_FILTER', `no filter named ${name}`);
    return compileFilter(def, values);
  }

  private anyModelKnows(itemId: string): boolean {
    return Object.values(this.deps.models()).some((m) => m && m.indexOf(itemId) >= 0);
  }

  private modelPath(
    req: RecommendationRequest,
    key: string | undefined,
    predicate: ((item: Item) => boolean) | undefined,
    started: number,
    arm: ServingArm | undefined,
  ): Ranked | undefined {
    const serving = this.deps.models();
    const models = arm?.model ? { ...serving, [arm.recipe]: arm.model } : serving;
    for (const recipe of armRecipes(req.placement, arm)) {
      const model = models[recipe];
      if (!model) continue;
      const shopper = key === undefined ? undefined : this.deps.states.inModel(key, model);
      const history = shopper?.items.length ?? 0;
      const cart = shopper?.cart.length ?? 0;
      // With nothing to go on, a personalized recipe has nothing to say: popular answers instead.
      if (!UNPERSONALIZED.has(recipe) && !history && !req.itemId && !cart) continue;
      if (performance.now() - started >= this.deps.deadlineMs) return undefined;
      const item = req.itemId === undefined ? undefined : model.indexOf(req.itemId);
      const lists = this.deps.homeLists;
      const keep =
        lists &&
        key !== undefined &&
        shopper &&
        recipe === 'user-personalization' &&
        model === serving[recipe] && // an experiment's candidate model prepares no list
        homeListAnswers(req);
      const list = this.rankModel(model, placementQuery(req.placement, shopper, item), {
        n: keep ? Math.max(req.n, lists.size) : req.n,
        // What the shopper saw is left out even when it is not the query (the cart placement asks with the cart).
        exclude: seenBy(shopper, item),
        predicate,
        explain: keep || (req.explain ?? false),
        excludeSeen: true,
      });
      if (keep) {
        const catalogVersion = this.deps.catalog.version;
        const rankedAt = this.deps.now?.() ?? Date.now();
        lists.set(key, { model: model.serial, version: shopper.version, catalogVersion, rankedAt }, list);
      }
      return { items: this.present(model, list, req.n, req.explain ?? false), recipe, model };
    }
    return undefined;
  }

  private rank(model: LiveModel, query: Query, o: RankOptions): RecommendedItem[] {
    return this.present(model, this.rankModel(model, query, o), o.n, o.explain);
  }

  private rankModel(model: LiveModel, query: Query, o: RankOptions) {
    const blocked = this.blockedItems(model);
    let exclude = blocked;
    if (o.exclude?.length && !blocked.length) exclude = o.exclude;
    else if (o.exclude?.length) {
      exclude = new Int32Array(blocked.length + o.exclude.length);
      exclude.set(blocked);
      exclude.set(o.exclude, blocked.length);
    }
    const options = o.predicate
      ? { excludeSeen: o.excludeSeen, exclude, candidates: this.candidates(model, o.predicate) }
      : {
          ...unfilteredOptions(exclude, this.twoStage(model) ? this.retrieve(model) : undefined),
          excludeSeen: o.excludeSeen,
        };
    return rankList(model.recipe, query, o.n, options, o.explain);
  }

  /**
   * The first n of a ranked list as item ids with rounded scores and, when asked, reasons; with recheck, items
   * that stopped being available since it was ranked are passed over.
   */
  private present(model: LiveModel, list: RankedList, n: number, explain: boolean, recheck = false) {
    const { catalog } = this.deps;
    const out: RecommendedItem[] = [];
    for (let i = 0; i < list.items.length && out.length < n; i++) {
      const itemId = model.itemIds[list.items[i]];
      if (recheck && catalog.size > 0 && !catalog.isAvailable(itemId)) continue;
      const item: RecommendedItem = { itemId, score: Math.round(list.scores[i] * 1e6) / 1e6 };
      if (explain) {
        const anchor = list.anchors[i];
        item.reason = {
          type: REASON_TYPES[list.reasons[i]],
          ...(anchor >= 0 ? { itemId: model.itemIds[anchor] } : {}),
        };
      }
      out.push(item);
    }
    return out;
  }

  /** The inputs every home list is ranked with besides the shopper's own, for preparing lists elsewhere. */
  homeBasis():
    { model: LiveModel; catalogVersion: number; blocked: Int32Array; candidates?: Int32Array } | undefined {
    const model = this.deps.models()['user-personalization'];
    if (!model) return undefined;
    return {
      model,
      catalogVersion: this.deps.catalog.version,
      blocked: this.blockedItems(model),
      candidates: this.twoStage(model) ? this.retrieve(model) : undefined,
    };
  }

  private twoStage(model: LiveModel): boolean {
    const limit = this.deps.fullScoringMaxItems ?? FULL_SCORING_MAX_ITEMS;
    return model.version.recipe === 'user-personalization' && model.itemIds.length > limit;
  }

  /**
   * First-stage candidates for a large catalog: the best sellers and what is trending, to which the recipe
   * adds what its item links and neighbour sessions reach from the history (addLinked).
   */
  private retrieve(model: LiveModel): Int32Array {
    const cached = this.retrieved.get(model);
    if (cached && performance.now() - cached.at < 1000) return cached.items;
    const ids = [...this.topIds('popular', RETRIEVE_POPULAR), ...this.topIds('trending', RETRIEVE_TRENDING)];
    const items = Int32Array.from(new Set(ids.map((id) => model.indexOf(id)).filter((i) => i >= 0)));
    this.retrieved.set(model, { at: performance.now(), items });
    return items;
  }

  /** The ids of a recipe's overall top list (top()'s, so kept as long); none without the model. */
  private topIds(recipe: 'popular' | 'trending', n: number): string[] {
    return this.deps.models()[recipe] ? this.top(recipe, n).map((i) => i.itemId) : [];
  }

  /** Model items the catalog says are unavailable or unknown (when there is a catalog at all). */
  private blockedItems(model: LiveModel): Int32Array {
    const { catalog } = this.deps;
    const cached = this.blocked.get(model);
    if (cached && cached.version === catalog.version) return cached.items;
    const items: number[] = [];
    if (catalog.size > 0) model.itemIds.forEach((id, i) => !catalog.isAvailable(id) && items.push(i));
    const entry = { version: catalog.version, items: Int32Array.from(items) };
    this.blocked.set(model, entry);
    return entry.items;
  }

  private candidates(model: LiveModel, predicate: (item: Item) => boolean): Int32Array {
    const out: number[] = [];
    model.itemIds.forEach((id, i) => {
      const item = this.deps.catalog.get(id);
      if (item && predicate(item)) out.push(i);
    });
    return Int32Array.from(out);
  }

  /**
   * Popular items plus items related to what the shopper is looking at, from the catalog alone. `taken` (items
   * already in the answer) are skipped but, unlike the history, are not anchors: a reason names what the
   * shopper did, never another recommendation.
   */
  private fallback(
    req: RecommendationRequest,
    key: string | undefined,
    predicate?: (item: Item) => boolean,
    taken: readonly string[] = [],
  ): Ranked {
    const state = key === undefined ? undefined : this.deps.states.get(key);
    const history = state?.recent.items ?? [];
    const cart = state ? [...state.cart.keys()] : [];
    const anchors = [...(req.itemId ? [req.itemId] : []), ...cart, ...history.slice(-3).reverse()];
    const skip = [...history, ...cart, ...(req.itemId ? [req.itemId] : []), ...taken];
    return { items: this.fallbackList(anchors, skip, req.n, predicate, 'viewed'), recipe: 'popular' };
  }

  private fallbackList(
    anchors: readonly string[],
    skip: readonly string[],
    n: number,
    predicate: ((item: Item) => boolean) | undefined,
    relatedType: Reason['type'],
  ): RecommendedItem[] {
    const { catalog } = this.deps;
    const taken = new Set(skip);
    const out: RecommendedItem[] = [];
    const push = (itemId: string, reason: RecommendedItem['reason']) => {
      const item = catalog.get(itemId);
      if (out.length >= n || taken.has(itemId) || (catalog.size && !item?.available)) return;
      if (predicate && (!item || !predicate(item))) return;
      taken.add(itemId);
      out.push({ itemId, score: 1 - out.length / (n + 1), reason });
    };
    for (const anchor of anchors)
      for (const id of catalog.related(anchor).slice(0, n)) push(id, { type: relatedType, itemId: anchor });
    for (const id of this.popularIds()) push(id, { type: 'popular' });
    return out;
  }

  /** The popular model's ranking when there is one, else the catalog's order. */
  private popularIds(): Iterable<string> {
    if (!this.deps.models().popular) return [...this.deps.catalog.all()].map((i) => i.itemId);
    return this.topIds('popular', 500);
  }
}

/**
 * What a placement asks the model with: the history, on a product page followed by the item in view; in the
 * cart the cart's items as added (or the item in view, or the history, when the cart is empty). The item in
 * view is the model's index of the request's itemId (-1 when the model does not know it, and so left out).
 */
function placementQuery(
  placement: Placement,
  shopper: IndexedState | undefined,
  item: number | undefined,
): Query {
  const history = shopper?.items ?? NONE;
  const types = shopper?.types ?? NO_TYPES;
  if (placement === 'cart') {
    const cart = shopper?.cart ?? NONE;
    const basket = cart.length ? cart : item !== undefined ? Int32Array.of(item) : history;
    return indexedQuery(basket, new Uint8Array(basket.length).fill(EventCode.add_to_cart));
  }
  if (placement !== 'pdp' || item === undefined) return shopperQuery(shopper);
  const items = new Int32Array(history.length + 1);
  items.set(history);
  items[history.length] = item;
  const codes = new Uint8Array(types.length + 1);
  codes.set(types);
  codes[types.length] = EventCode.view;
  return indexedQuery(items, codes);
}

/** The model indices of what the shopper saw, has in the cart or is looking at (items it knows). */
function seenBy(shopper: IndexedState | undefined, item: number | undefined): Int32Array {
  const history = shopper?.items ?? NONE;
  const cart = shopper?.cart ?? NONE;
  const seen = new Int32Array(history.length + cart.length + 1);
  let m = 0;
  for (const i of history) if (i >= 0) seen[m++] = i;
  for (const i of cart) if (i >= 0) seen[m++] = i;
  if (item !== undefined && item >= 0) seen[m++] = item;
  return seen.subarray(0, m);
}

const NONE = new Int32Array(0);
const NO_TYPES = new Uint8Array(0);
