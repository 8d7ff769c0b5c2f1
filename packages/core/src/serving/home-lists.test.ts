import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { ShopEvent } from '../domain/events.js';
import { LiveModel } from '../models/live-model.js';
import { encodeModel } from '../models/model-package.js';
import { ShopperStates } from '../realtime/shopper-states.js';
import { tribes } from '../recipes/fixtures.test-util.js';
import type { RecipeName } from '../recipes/recipe.js';
import { createRecipe } from '../recipes/registry.js';
import { CatalogIndex } from './catalog-index.js';
import { testVersion } from './models.test-util.js';
import { prepareHomeLists } from './home-list-preparation.js';
import { HomeLists, type RankedList } from './home-lists.js';
import {
  HOME_LIST_MAX_AGE_MS,
  Recommender,
  type ModelSet,
  type RecommendationRequest,
} from './recommender.js';

const data = tribes();
const T = Date.UTC(2026, 0, 5);
const RECIPES: RecipeName[] = ['popular', 'trending', 'user-personalization'];
const blobs = new Map<RecipeName, Uint8Array>();

before(async () => {
  for (const name of RECIPES) {
    const recipe = createRecipe(name, name === 'user-personalization' ? { factors: 8, iterations: 6 } : {});
    await recipe.fit(data, { threads: 1 });
    blobs.set(name, encodeModel(recipe, data.itemIds));
  }
});

const version = (recipe: RecipeName) => testVersion(recipe, data, T);

const liveModels = (): ModelSet =>
  Object.fromEntries(RECIPES.map((n) => [n, new LiveModel(version(n), blobs.get(n)!)]));

/** A shop of 21 items with shoppers s0…s29 who each viewed a few items of one tribe, some with a cart. */
function shop(o: { lists?: HomeLists; fullScoringMaxItems?: number; now?: () => number } = {}) {
  const catalog = new CatalogIndex();
  catalog.upsert(
    data.itemIds.map((itemId) => ({
      itemId,
      title: itemId,
      categories: ['c'],
      price: 1000,
      currency: 'VND',
      createdAt: 0,
      available: true,
      attributes: {},
    })),
  );
  const lists = o.lists;
  const states = new ShopperStates((key) => lists?.delete(key));
  const models = liveModels();
  const recommender = new Recommender({
    models: () => models,
    catalog,
    states,
    filters: () =>
      new Map([
        ['cheap', { name: 'cheap', include: [{ field: 'price', op: 'lte', value: 1000 }], exclude: [] }],
      ]),
    deadlineMs: 10_000,
    fullScoringMaxItems: o.fullScoringMaxItems,
    homeLists: lists,
    now: o.now ?? (() => T),
  });
  for (let s = 0; s < 30; s++) {
    const base = s % 2 ? 10 : 0;
    for (let k = 0; k < 3 + (s % 4); k++) apply(states, `s${s}`, 'view', `i${base + ((s + k) % 10)}`);
    if (s % 3 === 0) apply(states, `s${s}`, 'add_to_cart', `i${base + ((s + 7) % 10)}`);
  }
  return { catalog, states, recommender, models, lists };
}

let clock = 0;
function apply(states: ShopperStates, userId: string, eventType: 'view' | 'add_to_cart', itemId: string) {
  clock++;
  const e: ShopEvent = {
    eventId: `e${clock}`,
    eventType,
    userId,
    itemId,
    timestamp: T + clock * 1000,
    receivedAt: T + clock * 1000,
  };
  states.apply(`u:${userId}`, e);
}

const homeOf = (userId: string, over: Partial<RecommendationRequest> = {}): RecommendationRequest => ({
  userId,
  placement: 'home',
  n: 6,
  explain: true,
  ...over,
});

/** What a request answers, without the per-request fields. */
const answer = (r: ReturnType<Recommender['recommend']>) => ({
  recipe: r.recipe,
  fallback: r.fallback,
  items: r.items,
});

const list = (items: number[]): RankedList => ({
  items: Int32Array.from(items),
  scores: Float32Array.from(items, (i) => 1 / (i + 1)),
  reasons: new Uint8Array(items.length),
  anchors: new Int32Array(items.length).fill(-1),
});

const stamp = (model: number, version: number) => ({ model, version, catalogVersion: 0, rankedAt: T });

describe('HomeLists', () => {
  test('a list is valid only for the model and state version it was ranked for', () => {
    const lists = new HomeLists(4);
    lists.set('u:a', stamp(7, 3), list([5, 1, 2, 9, 8]));
    assert.deepEqual([...lists.get('u:a', 7, 3)!.items], [5, 1, 2, 9], 'at most size items are kept');
    assert.equal(lists.get('u:a', 7, 4), undefined, 'the shopper acted since');
    assert.equal(lists.get('u:a', 8, 3), undefined, 'another model serves');
    assert.equal(lists.get('u:b', 7, 3), undefined);
  });

  test('grows past its first capacity and reuses the slots of deleted shoppers', () => {
    const lists = new HomeLists(3);
    for (let s = 0; s < 3000; s++) lists.set(`u:${s}`, stamp(1, s), list([s % 7, (s + 1) % 7]));
    assert.equal(lists.count, 3000);
    assert.deepEqual([...lists.get('u:17', 1, 17)!.items], [3, 4]);
    assert.deepEqual([...lists.get('u:2999', 1, 2999)!.items], [3, 4]);
    lists.delete('u:17');
    assert.equal(lists.get('u:17', 1, 17), undefined);
    lists.set('u:new', stamp(1, 0), list([6]));
    assert.equal(lists.count, 3000, 'the freed slot is taken again');
    assert.deepEqual([...lists.get('u:new', 1, 0)!.items], [6]);
    assert.deepEqual([...lists.get('u:18', 1, 18)!.items], [4, 5], 'neighbours untouched');
  });

  test('stores a window of a packed reply', () => {
    const lists = new HomeLists(2);
    lists.set('u:a', stamp(1, 1), list([4, 3, 2, 1]), 2, 4);
    assert.deepEqual([...lists.get('u:a', 1, 1)!.items], [2, 1]);
  });
});

describe('Recommender with home lists', () => {
  for (const fullScoringMaxItems of [undefined, 5]) {
    const mode = fullScoringMaxItems ? 'two-stage retrieval' : 'full scoring';
    test(`${mode}: a prepared list answers exactly as ranking on the spot would`, () => {
      const direct = shop({ fullScoringMaxItems });
      const withLists = shop({ lists: new HomeLists(), fullScoringMaxItems });
      for (let s = 0; s < 30; s++) {
        const expected = answer(direct.recommender.recommend(homeOf(`s${s}`)));
        const first = withLists.recommender.recommend(homeOf(`s${s}`));
        const again = withLists.recommender.recommend(homeOf(`s${s}`, { n: 4, explain: false }));
        assert.deepEqual(answer(first), expected, `s${s}: ranked on the spot`);
        assert.deepEqual(
          again.items,
          expected.items.slice(0, 4).map(({ itemId, score }) => ({ itemId, score })),
          `s${s}: from the list`,
        );
      }
      assert.deepEqual([withLists.lists!.hits, withLists.lists!.misses], [30, 30]);
    });
  }

  test('an event makes the list stale at once: the next answer leaves out what was just viewed', () => {
    const { recommender, states, lists } = shop({ lists: new HomeLists() });
    const first = recommender.recommend(homeOf('s0'));
    const top = first.items[0].itemId;
    apply(states, 's0', 'view', top);
    const next = recommender.recommend(homeOf('s0'));
    assert.ok(!next.items.some((i) => i.itemId === top));
    assert.equal(lists!.hits, 0);
  });

  test('an item that became unavailable after ranking is passed over, and a short list is ranked again', () => {
    const { recommender, catalog, lists } = shop({ lists: new HomeLists() });
    const first = recommender.recommend(homeOf('s1', { n: 5 }));
    catalog.markUnavailable(first.items[0].itemId);
    const second = recommender.recommend(homeOf('s1', { n: 5 }));
    assert.deepEqual(
      second.items.map((i) => i.itemId).slice(0, 4),
      first.items.slice(1).map((i) => i.itemId),
    );
    assert.equal(lists!.hits, 1, 'the stored list still had enough items');
    assert.ok(!second.items.some((i) => i.itemId === first.items[0].itemId));
  });

  test('filtered requests, requests for more than a list holds and other placements rank on the spot', () => {
    const { recommender, lists } = shop({ lists: new HomeLists(4) });
    recommender.recommend(homeOf('s2', { n: 3 }));
    recommender.recommend(homeOf('s2', { n: 3, filter: 'cheap' }));
    recommender.recommend(homeOf('s2', { placement: 'pdp', itemId: 'i1' }));
    assert.deepEqual([lists!.hits, lists!.misses], [0, 1], 'only the unfiltered home request looked');
    const more = recommender.recommend(homeOf('s2', { n: 6 }));
    assert.equal(more.items.length, 6);
    assert.equal(more.recipe, 'user-personalization');
    assert.equal(lists!.hits, 0, 'six items are more than a list of four holds');
  });

  test('erasing a shopper or merging their session drops their list', () => {
    const { recommender, states, lists } = shop({ lists: new HomeLists() });
    recommender.recommend(homeOf('s3'));
    assert.equal(lists!.count, 1);
    states.erase('u:s3');
    assert.equal(lists!.count, 0);
    // An anonymous session with a list signs in as s4: the session's list goes, s4's goes stale.
    states.apply('s:anon', {
      eventId: 'm1',
      eventType: 'view',
      sessionId: 'anon',
      itemId: 'i2',
      timestamp: T,
      receivedAt: T,
    });
    recommender.recommend({ sessionId: 'anon', placement: 'home', n: 4 });
    recommender.recommend(homeOf('s4'));
    assert.equal(lists!.count, 2);
    states.merge('s:anon', 'u:s4');
    assert.equal(lists!.count, 1);
    recommender.recommend(homeOf('s4'));
    assert.deepEqual([lists!.hits, lists!.misses], [0, 4], 'every answer was ranked');
  });

  test('a list older than the maximum age is ranked again', () => {
    let now = T;
    const { recommender, lists } = shop({ lists: new HomeLists(), now: () => now });
    recommender.recommend(homeOf('s5'));
    now += HOME_LIST_MAX_AGE_MS;
    recommender.recommend(homeOf('s5'));
    assert.deepEqual([lists!.hits, lists!.misses], [1, 1], 'still young enough');
    now += 1;
    recommender.recommend(homeOf('s5'));
    assert.deepEqual([lists!.hits, lists!.misses], [1, 2]);
    recommender.recommend(homeOf('s5'));
    assert.deepEqual([lists!.hits, lists!.misses], [2, 2], 'ranked again, kept again');
  });
});

/** Prepares a shop's lists on one worker thread with the fitted model. */
const prepare = (
  s: Pick<ReturnType<typeof shop>, 'recommender' | 'states' | 'lists'>,
  superseded: () => boolean,
) =>
  prepareHomeLists({
    ...s.recommender.homeBasis()!,
    blob: blobs.get('user-personalization')!,
    states: s.states,
    lists: s.lists!,
    threads: 1,
    now: () => T,
    superseded,
  });

describe('prepareHomeLists', () => {
  test('ranks every shopper with history on worker threads, as requests would rank them', async () => {
    const direct = shop({ fullScoringMaxItems: 5 });
    const prepared = shop({ lists: new HomeLists(), fullScoringMaxItems: 5 });
    const basis = prepared.recommender.homeBasis()!;
    const progress: number[] = [];
    const result = await prepareHomeLists({
      ...basis,
      blob: blobs.get('user-personalization')!,
      states: prepared.states,
      lists: prepared.lists!,
      threads: 2,
      now: () => T,
      superseded: () => false,
      onProgress: (done) => progress.push(done),
    });
    assert.equal(result.shoppers, 30);
    assert.equal(result.prepared, 30);
    assert.ok(result.complete);
    assert.deepEqual(progress, [30]);
    for (let s = 0; s < 30; s++)
      assert.deepEqual(
        answer(prepared.recommender.recommend(homeOf(`s${s}`))),
        answer(direct.recommender.recommend(homeOf(`s${s}`))),
        `s${s}`,
      );
    assert.deepEqual([prepared.lists!.hits, prepared.lists!.misses], [30, 0]);
  });

  test('stores nothing for a shopper whose state was replaced meanwhile by one with as many events', async () => {
    const { recommender, states, lists } = shop({ lists: new HomeLists() });
    const events = states.get('u:s6')!.recent.items.length;
    let rounds = 0;
    // The third check comes after the workers answer: s6 is erased and comes back with as many events.
    const result = await prepare({ recommender, states, lists }, () => {
      if (rounds++ !== 2) return false;
      states.erase('u:s6');
      for (let k = 0; k < events; k++) apply(states, 's6', 'view', 'i0');
      return false;
    });
    assert.equal(states.get('u:s6')!.recent.items.length, events);
    assert.deepEqual([result.prepared, result.shoppers], [29, 30]);
    recommender.recommend(homeOf('s6'));
    assert.equal(lists!.hits, 0, 's6 is ranked from the new state');
  });

  test('stops when superseded, storing nothing', async () => {
    const { recommender, states, lists } = shop({ lists: new HomeLists() });
    const result = await prepare({ recommender, states, lists }, () => true);
    assert.deepEqual([result.prepared, result.complete, lists!.count], [0, false, 0]);
  });
});
