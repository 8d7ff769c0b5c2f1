import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Item } from '../domain/items.js';
import { validateEvent, validateItem } from '../domain/validation.js';
import { BLEND_GRID } from '../evaluation/tune.js';
import { decodeModel } from '../models/model-package.js';
import type { LoggedEvent } from '../ports/event-log.js';
import type { ModelVersion } from '../ports/model-store.js';
import { memoryStores, type Stores } from '../ports/stores.js';
import { DAY, FAST_TRAINING, NOW, shopEvents, shopItems } from './shop-fixture.test-util.js';
import { GATE_TOLERANCE, gateFailures, loadTrainingData, trainVersions } from './training.js';

/** The shop's catalog and history written straight into the stores, as the processor would. */
async function shopStores(o: { shoppers?: number; extra?: unknown[] } = {}): Promise<Stores> {
  const stores = memoryStores();
  await stores.catalog.upsert(shopItems().map((i) => (validateItem(i, NOW) as { value: Item }).value));
  const raw = [...shopEvents(o.shoppers ?? 40), ...(o.extra ?? [])];
  const events = raw.map((e, k) => {
    const v = validateEvent(e, NOW);
    assert.ok(v.ok, JSON.stringify(e));
    return { ...v.value, offset: k + 1 } satisfies LoggedEvent;
  });
  await stores.lake.append(events);
  return stores;
}

const version = (metrics: Record<string, number>, id = 'v'): ModelVersion => ({
  id,
  recipe: 'similar-items',
  createdAt: NOW,
  params: {},
  metrics,
  data: { users: 1, items: 1, interactions: 1 },
  watermark: 0,
  trainSeconds: 0,
  sizeBytes: 0,
});

describe('loadTrainingData', () => {
  test('joins the lake with the catalog: every catalog item, every shopper, quality counted', async () => {
    const stores = await shopStores();
    const { data, quality, watermark } = await loadTrainingData(stores, { recipes: [], now: NOW });
    assert.equal(data.itemIds.length, 22, 'untouched catalog items join the ranking');
    assert.ok(data.itemIds.includes('a10') && data.itemIds.includes('b10'));
    assert.equal(data.userIds.length, 40);
    assert.equal(data.item.length, 40 * 9);
    assert.equal(watermark, 40 * 9);
    assert.deepEqual(
      { rows: quality.rows, valid: quality.valid, invalid: quality.invalid, passes: quality.passes },
      { rows: 360, valid: 360, invalid: 0, passes: true },
    );
    assert.ok(data.itemInfo?.every((info) => info && info.categories.length === 2));
  });

  test('events replayed into the lake count once; events without an item are skipped', async () => {
    const extra = [
      { eventId: 'search-1', eventType: 'search', sessionId: 's1', query: 'pan', timestamp: NOW - DAY },
    ];
    const stores = await shopStores({ shoppers: 4, extra });
    const replay: LoggedEvent[] = [];
    for await (const e of stores.lake.scan()) replay.push(e);
    await stores.lake.append(replay.slice(0, 10)); // at-least-once delivery
    const { data, quality, watermark } = await loadTrainingData(stores, { recipes: [], now: NOW });
    assert.equal(data.item.length, 4 * 9);
    assert.equal(quality.valid, 4 * 9);
    assert.equal(watermark, 4 * 9 + 1, 'the watermark covers the search event too');
  });

  test('events naming items the catalog does not know are invalid and fail the gate beyond 5%', async () => {
    const unknown = Array.from({ length: 20 }, (_, k) => ({
      eventId: `x${k}`,
      eventType: 'view',
      userId: 'ghost',
      itemId: `no-such-${k}`,
      timestamp: NOW - DAY,
    }));
    const stores = await shopStores({ shoppers: 20, extra: unknown });
    const { data, quality } = await loadTrainingData(stores, { recipes: [], now: NOW });
    assert.equal(quality.invalid, 20);
    assert.equal(quality.valid, 180);
    assert.equal(quality.passes, false);
    assert.deepEqual(
      quality.errors.map((e) => [e.reason, e.count]),
      [['item not in the catalog', 20]],
    );
    assert.ok(!data.itemIds.some((id) => id.startsWith('no-such')));
  });

  test('upTo: events past that log offset are left to the replay at promotion', async () => {
    const stores = await shopStores({ shoppers: 4 });
    const { data, watermark, quality } = await loadTrainingData(stores, { recipes: [], now: NOW, upTo: 20 });
    assert.equal(data.item.length, 20);
    assert.equal(quality.rows, 20);
    assert.equal(watermark, 20);
  });

  test('history older than the window is left out', async () => {
    const stores = await shopStores({ shoppers: 4 });
    const { data } = await loadTrainingData(stores, { recipes: [], now: NOW + 400 * DAY });
    assert.equal(data.item.length, 0);
    const { data: wide } = await loadTrainingData(stores, {
      recipes: [],
      now: NOW + 400 * DAY,
      windowDays: 500,
    });
    assert.equal(wide.item.length, 36);
  });
});

describe('trainVersions', () => {
  test('stores one immutable version per recipe with offline metrics, data sizes and the watermark', async () => {
    const stores = await shopStores();
    const training = await loadTrainingData(stores, { recipes: [], now: NOW });
    const stages: string[] = [];
    const o = {
      ...FAST_TRAINING,
      recipes: ['popular', 'similar-items', 'user-personalization'] as const,
      now: NOW,
      onProgress: (stage: string) => stages.push(stage),
    };
    const versions = await trainVersions(stores, training, o);
    assert.deepEqual(
      versions.map((v) => v.recipe),
      ['popular', 'similar-items', 'user-personalization'],
    );
    assert.equal(new Set(versions.map((v) => v.id)).size, 3);
    for (const v of versions) {
      assert.match(v.id, new RegExp(`^${v.recipe}-20260105000000-[0-9a-z]+$`));
      assert.equal(v.createdAt, NOW);
      assert.equal(v.watermark, 360);
      assert.deepEqual(v.data, { users: 40, items: 22, interactions: 360 });
      for (const m of ['hr@10', 'ndcg@10', 'ndcg@20', 'recall@20', 'coverage@20'])
        assert.equal(typeof v.metrics[m], 'number', `${v.recipe} ${m}`);
      assert.deepEqual(await stores.models.get(v.id), v);
      const blob = await stores.models.blob(v.id);
      assert.equal(v.sizeBytes, blob.byteLength);
      const { recipe, itemIds } = decodeModel(blob);
      assert.equal(recipe.name, v.recipe);
      assert.deepEqual(itemIds, training.data.itemIds);
    }
    const [popular, , personal] = versions;
    assert.ok(
      personal.metrics['ndcg@20'] > popular.metrics['ndcg@20'],
      `personalization beats popular on a shop with clear taste: ${personal.metrics['ndcg@20']} vs ${popular.metrics['ndcg@20']}`,
    );
    assert.equal(personal.params.factors, 8, 'the params given are the params stored');
    assert.equal(stages.at(-1), 'done');
    // Ids stay unique across trainings at the same instant.
    const again = await trainVersions(stores, training, { ...o, recipes: ['popular'] });
    assert.ok(!versions.some((v) => v.id === again[0].id));
  });

  test('with tune, both personal recipes serve the blend chosen on the validation split', async () => {
    const stores = await shopStores();
    const training = await loadTrainingData(stores, { recipes: [], now: NOW });
    const recipes = ['user-personalization', 'personalized-ranking'] as const;
    const [up, pr] = await trainVersions(stores, training, {
      ...FAST_TRAINING,
      recipes,
      now: NOW,
      tune: true,
    });
    assert.ok(BLEND_GRID.some((b) => JSON.stringify(b) === JSON.stringify(up.params.blend)));
    assert.deepEqual(pr.params.blend, up.params.blend);
  });

  test('personalized-ranking is user-personalization trained once and stored under both names', async () => {
    const stores = await shopStores();
    const training = await loadTrainingData(stores, { recipes: [], now: NOW });
    const recipes = ['user-personalization', 'personalized-ranking'] as const;
    const [up, pr] = await trainVersions(stores, training, { ...FAST_TRAINING, recipes, now: NOW });
    assert.equal(pr.recipe, 'personalized-ranking');
    assert.notEqual(pr.id, up.id);
    assert.deepEqual(pr.metrics, up.metrics);
    assert.equal(pr.trainSeconds, up.trainSeconds);
    const [a, b] = await Promise.all([up, pr].map(async (v) => decodeModel(await stores.models.blob(v.id))));
    assert.equal(b.recipe.name, 'personalized-ranking');
    const query = {
      user: -1,
      items: Int32Array.of(0, 1),
      types: Uint8Array.of(0, 0),
      times: Float64Array.of(0, 1),
    };
    assert.deepEqual(b.recipe.recommend([query], 5), a.recipe.recommend([query], 5));
  });
});

describe('gateFailures', () => {
  test('nothing serving: nothing to be worse than', () => {
    assert.deepEqual(gateFailures(version({ 'ndcg@20': 0 }), undefined), []);
  });

  test('within the tolerance passes, beyond it is held with a reason per metric', () => {
    const serving = version({ 'ndcg@20': 0.4, 'coverage@20': 0.5, 'hr@10': 0.9 });
    assert.equal(GATE_TOLERANCE, 0.05);
    assert.deepEqual(
      gateFailures(version({ 'ndcg@20': 0.38, 'coverage@20': 0.475, 'hr@10': 0 }), serving),
      [],
    );
    assert.deepEqual(gateFailures(version({ 'ndcg@20': 0.5, 'coverage@20': 0.9 }), serving), []);
    const worse = gateFailures(version({ 'ndcg@20': 0.3, 'coverage@20': 0.5 }), serving);
    assert.equal(worse.length, 1);
    assert.match(worse[0], /^ndcg@20 0\.3000 < 0\.4000/);
    const biased = gateFailures(version({ 'ndcg@20': 0.45, 'coverage@20': 0.1 }), serving);
    assert.equal(biased.length, 1);
    assert.match(biased[0], /^coverage@20/);
    assert.equal(gateFailures(version({ 'ndcg@20': 0.1, 'coverage@20': 0.1 }), serving).length, 2);
  });

  test('a custom tolerance, and metrics one side lacks are not compared', () => {
    const serving = version({ 'ndcg@20': 0.4 });
    assert.deepEqual(gateFailures(version({ 'ndcg@20': 0.3 }), serving, 0.3), []);
    assert.equal(gateFailures(version({ 'ndcg@20': 0.3 }), serving, 0.1).length, 1);
    assert.deepEqual(gateFailures(version({ 'coverage@20': 0 }), serving), []);
    assert.deepEqual(gateFailures(version({ 'ndcg@20': 0 }), version({})), []);
  });

  test('a version trained without evaluation cannot replace one with metrics', () => {
    const reasons = gateFailures(version({}), version({ 'ndcg@20': 0.4 }));
    assert.equal(reasons.length, 1);
    assert.match(reasons[0], /without offline evaluation/);
    assert.deepEqual(gateFailures(version({}), version({})), []);
  });
});
