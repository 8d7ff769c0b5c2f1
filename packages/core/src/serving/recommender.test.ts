import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { EventType, ShopEvent } from '../domain/events.js';
import type { Item } from '../domain/items.js';
import { GuError } from '../errors.js';
import { LiveModel } from '../models/live-model.js';
import { encodeModel } from '../models/model-package.js';
import { ShopperStates } from '../realtime/shopper-states.js';
import { tribes } from '../recipes/fixtures.test-util.js';
import type { Recipe, RecipeName } from '../recipes/recipe.js';
import { createRecipe } from '../recipes/registry.js';
import { CatalogIndex } from './catalog-index.js';
import { testVersion } from './models.test-util.js';
import type { FilterDefinition } from './filters.js';
import {
  Recommender,
  type ModelSet,
  type RecommendationRequest,
  type RecommenderDeps,
} from './recommender.js';

/**
 * The recipes' tribes fixture (tribe A walks i0–i9, tribe B i10–i19, baskets pair i with i+5, i20 untouched),
 * with a catalog: A items are shoes of two brands, B items kitchen ware, i20 a shoe too.
 */
const data = tribes();
const T = Date.UTC(2026, 0, 5);
const tribeOf = (id: string) => (Number(id.slice(1)) < 10 || id === 'i20' ? 'A' : 'B');

const catalogItems = (): Item[] =>
  Array.from({ length: 21 }, (_, k) => ({
    itemId: `i${k}`,
    title: `Item ${k}`,
    categories: tribeOf(`i${k}`) === 'A' ? ['Fashion', 'Shoes'] : ['Home', 'Kitchen'],
    price: 1000 * (k + 1),
    currency: 'VND',
    brand: k % 2 ? 'Odd' : 'Even',
    createdAt: 0,
    available: true,
    attributes: {},
  }));

const version = (recipe: RecipeName) => testVersion(recipe, data, T);

const blobs = new Map<RecipeName, Uint8Array>();
const SERVING: RecipeName[] = [
  'popular',
  'trending',
  'similar-items',
  'bought-together',
  'user-personalization',
  'personalized-ranking',
];

before(async () => {
  for (const name of SERVING) {
    const recipe = createRecipe(name, name.includes('personal') ? { factors: 8, iterations: 6 } : {});
    await recipe.fit(data, { threads: 1 });
    blobs.set(name, encodeModel(recipe, data.itemIds));
  }
});

/** Fresh live models (updates must not leak between tests). */
const liveModels = (names: readonly RecipeName[] = SERVING): ModelSet =>
  Object.fromEntries(names.map((n) => [n, new LiveModel(version(n), blobs.get(n)!)]));

let serial = 0;
const ev = (eventType: EventType, itemId: string, over: Partial<ShopEvent> = {}): ShopEvent => ({
  eventId: `r${++serial}`,
  eventType,
  userId: 'alice',
  itemId,
  timestamp: T + serial * 1000,
  receivedAt: T + serial * 1000,
  ...over,
});

interface Setup {
  recommender: Recommender;
  catalog: CatalogIndex;
  states: ShopperStates;
  filters: Map<string, FilterDefinition>;
  errors: unknown[];
  models: ModelSet;
}

function setup(
  o: {
    models?: ModelSet;
    deadlineMs?: number;
    catalog?: boolean;
    fullScoringMaxItems?: number;
    now?: () => number;
  } = {},
): Setup {
  const catalog = new CatalogIndex();
  if (o.catalog ?? true) catalog.upsert(catalogItems());
  const states = new ShopperStates();
  const filters = new Map<string, FilterDefinition>();
  const errors: unknown[] = [];
  const models = o.models ?? liveModels();
  const deps: RecommenderDeps = {
    models: () => models,
    catalog,
    states,
    filters: () => filters,
    deadlineMs: o.deadlineMs ?? 10_000,
    fullScoringMaxItems: o.fullScoringMaxItems,
    onModelError: (e) => errors.push(e),
    now: o.now,
  };
  return { recommender: new Recommender(deps), catalog, states, filters, errors, models };
}

/** Alice, a tribe-A shopper: viewed i1, i2, i3 and has i4 in the cart. */
function alice(s: Setup): void {
  for (const e of [ev('view', 'i1'), ev('view', 'i2'), ev('view', 'i3'), ev('add_to_cart', 'i4')])
    s.states.apply('u:alice', e);
}

const ids = (r: { items: { itemId: string }[] }) => r.items.map((i) => i.itemId);
const isCode = (code: string) => (e: unknown) => e instanceof GuError && e.code === code;
const home = (over: Partial<RecommendationRequest> = {}): RecommendationRequest => ({
  userId: 'alice',
  placement: 'home',
  n: 5,
  ...over,
});

/** A recipe that throws when asked to rank: a model path that fails. */
function broken(model: LiveModel): LiveModel {
  const recipe: Recipe = Object.create(model.recipe);
  recipe.recommend = () => {
    throw new Error('model exploded');
  };
  return Object.assign(Object.create(LiveModel.prototype), model, { recipe }) as LiveModel;
}

/** Counts the model's rankings from now on: the returned function tells how many so far. */
function countRankings(model: LiveModel): () => number {
  let rankings = 0;
  const recommend = model.recipe.recommend.bind(model.recipe);
  model.recipe.recommend = (...args) => {
    rankings++;
    return recommend(...args);
  };
  return () => rankings;
}

/** A recipe that returns at most `max` items, whatever n is asked for. */
function stingy(model: LiveModel, max: number): LiveModel {
  const recipe: Recipe = Object.create(model.recipe);
  recipe.recommend = (queries, n, options) => model.recipe.recommend(queries, Math.min(n, max), options);
  return Object.assign(Object.create(LiveModel.prototype), model, { recipe }) as LiveModel;
}

describe('Recommender: placements', () => {
  test('home uses user-personalization, from the shopper’s own tribe', () => {
    const s = setup();
    alice(s);
    const r = s.recommender.recommend(home());
    assert.equal(r.placement, 'home');
    assert.equal(r.recipe, 'user-personalization');
    assert.equal(r.modelVersion, 'user-personalization-test');
    assert.equal(r.fallback, false);
    assert.equal(r.variant, 'default');
    assert.match(r.recommendationId, /^home\.[0-9a-f-]{36}$/);
    assert.ok(r.tookMs >= 0);
    assert.equal(r.items.length, 5);
    assert.ok(
      ids(r)
        .slice(0, 3)
        .every((id) => tribeOf(id) === 'A'),
      `${ids(r)}`,
    );
    for (let k = 1; k < r.items.length; k++) assert.ok(r.items[k - 1].score >= r.items[k].score);
  });

  test('home for a shopper with no history is popular, not a fallback', () => {
    const s = setup();
    const r = s.recommender.recommend(home({ userId: 'newcomer' }));
    assert.equal(r.recipe, 'popular');
    assert.equal(r.modelVersion, 'popular-test');
    assert.equal(r.fallback, false);
    assert.equal(r.items.length, 5);
    const anonymous = s.recommender.recommend({ placement: 'home', n: 3 });
    assert.equal(anonymous.recipe, 'popular');
  });

  test('home without a user-personalization model falls to similar-items', () => {
    const s = setup({ models: liveModels(['popular', 'similar-items']) });
    alice(s);
    assert.equal(s.recommender.recommend(home()).recipe, 'similar-items');
  });

  test('pdp uses similar-items for the item, needs itemId, and never shows the item itself', () => {
    const s = setup();
    const r = s.recommender.recommend({ placement: 'pdp', itemId: 'i12', n: 4 });
    assert.equal(r.recipe, 'similar-items');
    assert.ok(!ids(r).includes('i12'));
    assert.ok(ids(r).includes('i11') || ids(r).includes('i13'), `the walk's neighbours: ${ids(r)}`);
    assert.ok(ids(r).every((id) => tribeOf(id) === 'B'));
    assert.throws(() => s.recommender.recommend({ placement: 'pdp', n: 4 }), isCode('INVALID_REQUEST'));
  });

  test('pdp is personalized by the shopper’s history', () => {
    const s = setup();
    alice(s);
    const r = s.recommender.recommend(home({ placement: 'pdp', itemId: 'i5' }));
    assert.equal(r.recipe, 'similar-items');
    for (const seen of ['i1', 'i2', 'i3', 'i4', 'i5'])
      assert.ok(!ids(r).includes(seen), `${seen} in ${ids(r)}`);
  });

  test('cart uses bought-together for the cart', () => {
    const s = setup();
    s.states.apply('u:bob', ev('add_to_cart', 'i11', { userId: 'bob' }));
    const r = s.recommender.recommend({ userId: 'bob', placement: 'cart', n: 3, explain: true });
    assert.equal(r.recipe, 'bought-together');
    assert.equal(r.items[0].itemId, 'i16', 'i11 is bought with i16');
    assert.deepEqual(r.items[0].reason, { type: 'bought-together', itemId: 'i11' });
    assert.ok(!ids(r).includes('i11'));
  });

  test('cart without a cart uses the itemId given, then the history', () => {
    const s = setup();
    const r = s.recommender.recommend({ placement: 'cart', itemId: 'i12', n: 3 });
    assert.equal(r.recipe, 'bought-together');
    assert.equal(r.items[0].itemId, 'i17');
  });

  test('cart without a cart asks about the item in view even when the model does not know it', () => {
    const s = setup();
    for (const id of ['i1', 'i2']) s.states.apply('u:bob', ev('view', id, { userId: 'bob' }));
    const withHistory = s.recommender.recommend({ userId: 'bob', placement: 'cart', n: 3, explain: true });
    assert.ok(
      withHistory.items.some((i) => i.reason?.itemId),
      'the history has links',
    );
    const r = s.recommender.recommend({
      userId: 'bob',
      placement: 'cart',
      itemId: 'i-new',
      n: 3,
      explain: true,
    });
    assert.equal(r.recipe, 'bought-together');
    assert.deepEqual(
      r.items.filter((i) => i.reason?.itemId),
      [],
      'nothing linked: the query is the unknown item, not the history',
    );
  });
});

describe('Recommender: what is left out', () => {
  for (const placement of ['home', 'pdp', 'cart'] as const) {
    test(`${placement}: leaves out seen, in-cart and unavailable items`, () => {
      const s = setup();
      alice(s);
      s.catalog.markUnavailable('i6');
      s.catalog.markUnavailable('i9');
      const r = s.recommender.recommend(
        home({ placement, itemId: placement === 'pdp' ? 'i7' : undefined, n: 12 }),
      );
      assert.equal(r.fallback, false);
      const out = ids(r);
      assert.equal(new Set(out).size, out.length, 'no duplicates');
      for (const id of ['i1', 'i2', 'i3', 'i4', 'i6', 'i9']) assert.ok(!out.includes(id), `${id} in ${out}`);
      if (placement === 'pdp') assert.ok(!out.includes('i7'));
    });
  }

  test('items the catalog does not know are not recommended (when there is a catalog)', () => {
    const onlyA = catalogItems().filter((i) => tribeOf(i.itemId) === 'A');
    const small = setup({ catalog: false });
    small.catalog.upsert(onlyA);
    const r = small.recommender.recommend({ placement: 'home', n: 20 });
    assert.ok(
      ids(r).every((id) => tribeOf(id) === 'A'),
      `${ids(r)}`,
    );
    // Without any catalog, the models' items are all fair game.
    const bare = setup({ catalog: false });
    assert.equal(bare.recommender.recommend({ placement: 'home', n: 20 }).items.length, 20);
  });

  test('marking an item unavailable takes effect at once', () => {
    const s = setup();
    const first = s.recommender.recommend({ placement: 'home', n: 3 });
    s.catalog.markUnavailable(first.items[0].itemId);
    const second = s.recommender.recommend({ placement: 'home', n: 3 });
    assert.ok(!ids(second).includes(first.items[0].itemId));
  });
});

describe('Recommender: filters', () => {
  test('applies a named filter with $parameter values', () => {
    const s = setup();
    alice(s);
    s.filters.set('brand', {
      name: 'brand',
      include: [{ field: 'brand', op: 'eq', value: '$brand' }],
      exclude: [{ field: 'price', op: 'gt', value: '$max' }],
    });
    for (const placement of ['home', 'pdp', 'cart'] as const) {
      const r = s.recommender.recommend(
        home({ placement, itemId: 'i5', n: 8, filter: 'brand', filterValues: { brand: 'Odd', max: 12_000 } }),
      );
      assert.ok(r.items.length > 0);
      for (const { itemId } of r.items) {
        const item = s.catalog.get(itemId)!;
        assert.equal(item.brand, 'Odd', `${placement}: ${itemId}`);
        assert.ok(item.price <= 12_000, `${placement}: ${itemId}`);
      }
    }
  });

  test('a filter that leaves few items returns only those, even after the top-up', () => {
    const s = setup();
    alice(s);
    s.filters.set('two', {
      name: 'two',
      include: [{ field: 'itemId', op: 'in', value: ['i7', 'i15'] }],
      exclude: [],
    });
    const r = s.recommender.recommend(home({ n: 10, filter: 'two' }));
    assert.deepEqual(ids(r).sort(), ['i15', 'i7']);
  });

  test('missing filter values and unknown filters are the caller’s errors, not fallbacks', () => {
    const s = setup();
    s.filters.set('brand', {
      name: 'brand',
      include: [{ field: 'brand', op: 'eq', value: '$brand' }],
      exclude: [],
    });
    assert.throws(() => s.recommender.recommend(home({ filter: 'brand' })), isCode('FILTER_VALUES_MISSING'));
    assert.throws(
      () => s.recommender.recommend(home({ filter: 'brand', filterValues: { other: 1 } })),
      isCode('FILTER_VALUES_MISSING'),
    );
    assert.throws(() => s.recommender.recommend(home({ filter: 'nope' })), isCode('UNKNOWN_FILTER'));
    assert.deepEqual(s.errors, []);
  });
});

describe('Recommender: explanations', () => {
  test('explain gives each item a reason naming the history item by id', () => {
    const s = setup();
    alice(s);
    for (const placement of ['home', 'pdp', 'cart'] as const) {
      const r = s.recommender.recommend(home({ placement, itemId: 'i5', explain: true }));
      const history = ['i1', 'i2', 'i3', 'i4', 'i5'];
      for (const { reason } of r.items) {
        assert.ok(reason, `${placement}: every item has a reason`);
        assert.ok(
          ['viewed', 'bought-together', 'popular', 'trending', 'similar-users'].includes(reason.type),
        );
        if (reason.itemId !== undefined)
          assert.ok(
            history.includes(reason.itemId),
            `${placement}: ${reason.itemId} is an item id of the history`,
          );
      }
      assert.ok(
        r.items.some((i) => i.reason?.itemId !== undefined),
        `${placement}: some item is explained by the history`,
      );
    }
  });

  test('without explain there are no reasons', () => {
    const s = setup();
    alice(s);
    const r = s.recommender.recommend(home());
    assert.ok(r.items.every((i) => !('reason' in i)));
  });
});

describe('Recommender: fallback and top-up', () => {
  test('a model that throws: popular + related, fallback: true, error reported', () => {
    const models = liveModels();
    models['user-personalization'] = broken(models['user-personalization']!);
    const s = setup({ models });
    alice(s);
    const r = s.recommender.recommend(home({ n: 6, explain: true }));
    assert.equal(r.fallback, true);
    assert.equal(r.recipe, 'popular');
    assert.equal(r.modelVersion, null);
    assert.equal(r.items.length, 6);
    assert.equal(s.errors.length, 1);
    assert.match(String(s.errors[0]), /model exploded/);
    // Related to what the shopper looks at first (same category), then popular; never what was seen.
    assert.deepEqual(r.items[0].reason, { type: 'viewed', itemId: 'i4' });
    assert.equal(tribeOf(r.items[0].itemId), 'A');
    for (const seen of ['i1', 'i2', 'i3', 'i4']) assert.ok(!ids(r).includes(seen));
    for (let k = 1; k < r.items.length; k++) assert.ok(r.items[k - 1].score > r.items[k].score);
  });

  test('a fallback still honours the filter and availability', () => {
    const models = liveModels();
    models['user-personalization'] = broken(models['user-personalization']!);
    const s = setup({ models });
    alice(s);
    s.catalog.markUnavailable('i5');
    s.filters.set('even', {
      name: 'even',
      include: [{ field: 'brand', op: 'eq', value: 'Even' }],
      exclude: [],
    });
    const r = s.recommender.recommend(home({ n: 8, filter: 'even' }));
    assert.equal(r.fallback, true);
    assert.ok(r.items.length > 0);
    for (const id of ids(r)) {
      assert.equal(s.catalog.get(id)!.brand, 'Even');
      assert.notEqual(id, 'i5');
    }
  });

  test('a deadline of 0 ms always falls back', () => {
    const s = setup({ deadlineMs: 0 });
    alice(s);
    const r = s.recommender.recommend(home({ n: 4 }));
    assert.equal(r.fallback, true);
    assert.equal(r.items.length, 4);
    assert.deepEqual(s.errors, [], 'a slow model is not an error');
  });

  test('no models at all: the catalog alone answers', () => {
    const s = setup({ models: {} });
    alice(s);
    const r = s.recommender.recommend(home({ n: 4 }));
    assert.equal(r.fallback, true);
    assert.equal(r.modelVersion, null);
    assert.equal(r.items.length, 4);
    assert.ok(
      ids(r).every((id) => tribeOf(id) === 'A'),
      'related to what alice looked at',
    );
  });

  test('a model that returns fewer than n is topped up from the fallback, without repeats', () => {
    const models = liveModels();
    models['user-personalization'] = stingy(models['user-personalization']!, 2);
    const s = setup({ models });
    alice(s);
    const r = s.recommender.recommend(home({ n: 7, explain: true }));
    assert.equal(r.fallback, false);
    assert.equal(r.recipe, 'user-personalization');
    assert.equal(r.items.length, 7);
    assert.equal(new Set(ids(r)).size, 7);
    for (const seen of ['i1', 'i2', 'i3', 'i4']) assert.ok(!ids(r).includes(seen));
  });

  test('the top-up is related to what the shopper did, never to the model’s own picks', () => {
    const models = liveModels();
    models['user-personalization'] = stingy(models['user-personalization']!, 2);
    const s = setup({ models });
    for (const id of ['i11', 'i12', 'i13']) s.states.apply('u:carl', ev('view', id, { userId: 'carl' }));
    const r = s.recommender.recommend({ userId: 'carl', placement: 'home', n: 6, explain: true });
    assert.equal(r.items.length, 6);
    for (const { itemId, reason } of r.items.slice(2)) {
      assert.ok(reason, itemId);
      if (reason.itemId !== undefined)
        assert.ok(['i11', 'i12', 'i13'].includes(reason.itemId), `${itemId} explained by ${reason.itemId}`);
    }
    assert.ok(r.items.slice(2).some((i) => i.reason?.itemId !== undefined));
  });
});

describe('Recommender: similar, top and rank', () => {
  test('similar items of an item, without the item; unknown items are UNKNOWN_ITEM', () => {
    const s = setup();
    const similar = s.recommender.similar('i3', 4);
    assert.equal(similar.length, 4);
    assert.ok(!similar.some((i) => i.itemId === 'i3'));
    assert.ok(similar.every((i) => tribeOf(i.itemId) === 'A'));
    assert.deepEqual(similar[0].reason?.itemId, 'i3');
    const together = s.recommender.similar('i11', 1, 'bought-together');
    assert.equal(together[0].itemId, 'i16');
    assert.throws(() => s.recommender.similar('nope', 3), isCode('UNKNOWN_ITEM'));
  });

  test('similar items of a cold item are its catalog neighbours, not the global best sellers', () => {
    const s = setup();
    s.catalog.upsert([{ ...catalogItems()[12], itemId: 'new-pan', title: 'New pan' }]);
    const forNew = s.recommender.similar('new-pan', 5);
    assert.equal(forNew.length, 5);
    assert.ok(
      forNew.every((i) => tribeOf(i.itemId) === 'B'),
      `${forNew.map((i) => i.itemId)}`,
    );
    const forUntouched = s.recommender.similar('i20', 5); // known to the model, never interacted with
    assert.ok(forUntouched.every((i) => tribeOf(i.itemId) === 'A' && i.itemId !== 'i20'));
  });

  test('similar items without a model come from the catalog', () => {
    const s = setup({ models: {} });
    const similar = s.recommender.similar('i3', 3);
    assert.deepEqual(
      similar.map((i) => i.reason),
      [
        { type: 'viewed', itemId: 'i3' },
        { type: 'viewed', itemId: 'i3' },
        { type: 'viewed', itemId: 'i3' },
      ],
    );
  });

  test('top: popular and trending, filtered, without unavailable items', () => {
    const s = setup();
    const popular = s.recommender.top('popular', 5);
    assert.equal(popular.length, 5);
    assert.ok(popular.every((i) => i.reason?.type === 'popular'));
    s.catalog.markUnavailable(popular[0].itemId);
    assert.ok(!s.recommender.top('popular', 5).some((i) => i.itemId === popular[0].itemId));
    const kitchen = s.recommender.top('trending', 5, 'Kitchen');
    assert.ok(kitchen.length > 0 && kitchen.every((i) => tribeOf(i.itemId) === 'B'));
    const none = setup({ models: {} });
    assert.equal(none.recommender.top('trending', 3).length, 3);
  });

  test('rankFor re-ranks the caller’s items for the shopper, unknown ones last with score 0', () => {
    const s = setup();
    alice(s);
    const ranked = s.recommender.rankFor({ userId: 'alice' }, ['i15', 'zzz', 'i5', 'i17', 'i6']);
    assert.deepEqual(ranked.map((i) => i.itemId).sort(), ['i15', 'i17', 'i5', 'i6', 'zzz']);
    assert.deepEqual(ranked.at(-1), { itemId: 'zzz', score: 0 });
    assert.ok(
      ['i5', 'i6'].includes(ranked[0].itemId),
      `a tribe-A shopper gets A items first: ${ranked[0].itemId}`,
    );
    assert.deepEqual(s.recommender.rankFor({ userId: 'alice' }, []), []);
    const none = setup({ models: {} });
    assert.deepEqual(
      none.recommender.rankFor({ userId: 'alice' }, ['i2', 'i1']).map((i) => i.itemId),
      ['i2', 'i1'],
    );
  });

  test('model updates from events count in top lists within a second', () => {
    const clock = { now: T };
    const s = setup({ now: () => clock.now });
    const popular = s.models.popular!;
    const before = s.recommender.top('popular', 1)[0].itemId;
    popular.update(
      Array.from({ length: 50 }, (_, k) => ({ ...ev('purchase', 'i20'), offset: k + 1 })),
      () => [],
    );
    assert.notEqual(before, 'i20');
    assert.equal(s.recommender.top('popular', 1)[0].itemId, before, 'the list is kept up to a second');
    clock.now += 1000;
    assert.equal(s.recommender.top('popular', 1)[0].itemId, 'i20');
  });

  test('top lists are ranked once per model state, category and catalog version, whatever n', () => {
    const clock = { now: T };
    const s = setup({ now: () => clock.now });
    const rankings = countRankings(s.models.popular!);
    const five = s.recommender.top('popular', 5);
    clock.now += 60_000; // no event since: the list still stands
    assert.deepEqual(s.recommender.top('popular', 3), five.slice(0, 3));
    assert.equal(s.recommender.top('popular', 50).length, 21, 'the whole catalog, from the same list');
    assert.equal(rankings(), 1);
    const shoes = s.recommender.top('popular', 50, 'Shoes');
    assert.ok(shoes.length === 11 && shoes.every((i) => tribeOf(i.itemId) === 'A'));
    s.recommender.top('popular', 2, 'Shoes');
    assert.equal(rankings(), 2, 'one more ranking, for the category');
    s.catalog.markUnavailable(five[0].itemId);
    assert.equal(
      s.recommender.top('popular', 1)[0].itemId,
      five[1].itemId,
      'the catalog changed: ranked again',
    );
    assert.equal(rankings(), 3);
  });

  test("the fallback's best sellers are top()'s list: one ranking serves both", () => {
    const models = liveModels();
    models['user-personalization'] = broken(models['user-personalization']!);
    const s = setup({ models });
    const rankings = countRankings(s.models.popular!);
    const best = s.recommender.top('popular', 21).map((i) => i.itemId);
    alice(s);
    const r = s.recommender.recommend(home({ n: 20, explain: true }));
    assert.equal(r.fallback, true);
    const fromPopular = r.items.filter((i) => i.reason?.type === 'popular').map((i) => i.itemId);
    assert.ok(fromPopular.length > 0);
    assert.deepEqual(
      fromPopular,
      best.filter((id) => fromPopular.includes(id)),
      'in the best sellers order',
    );
    assert.equal(rankings(), 1);
  });
});

test('on a large catalog, home scores a retrieved candidate set and still follows the shopper', () => {
  const full = setup();
  const twoStage = setup({ fullScoringMaxItems: 0 });
  alice(full);
  alice(twoStage);
  const a = full.recommender.recommend(home({ n: 4 }));
  const b = twoStage.recommender.recommend(home({ n: 4 }));
  assert.equal(b.recipe, 'user-personalization');
  assert.equal(b.fallback, false);
  assert.equal(b.items.length, 4);
  for (const item of b.items) assert.equal(tribeOf(item.itemId), 'A', item.itemId);
  // The candidates hold the links of the history, so the best item is the same.
  assert.equal(b.items[0].itemId, a.items[0].itemId);
});

test('rank returns each given id once: known ones by score, unknown ones after in their order', () => {
  const s = setup();
  alice(s);
  const ranked = s.recommender.rankFor({ userId: 'alice' }, ['i12', 'nope', 'i5', 'nope', 'i6', 'zzz']);
  assert.deepEqual(ranked.map((r) => r.itemId).slice(3), ['nope', 'zzz']);
  assert.deepEqual(new Set(ranked.slice(0, 3).map((r) => r.itemId)), new Set(['i12', 'i5', 'i6']));
  assert.equal(tribeOf(ranked[0].itemId), 'A');
});
