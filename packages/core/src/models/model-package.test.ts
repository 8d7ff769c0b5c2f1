import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventCode, type EventType } from '../domain/events.js';
import type { LoggedEvent } from '../ports/event-log.js';
import type { ModelVersion } from '../ports/model-store.js';
import { tribes } from '../recipes/fixtures.test-util.js';
import { queryOf } from '../recipes/query.js';
import type { InteractionEvent, Recipe, RecipeName } from '../recipes/recipe.js';
import { createRecipe } from '../recipes/registry.js';
import { encodeSnapshot } from '../recipes/snapshot.js';
import { LiveModel } from './live-model.js';
import { decodeModel, encodeModel } from './model-package.js';

const data = tribes();
const T = Date.UTC(2026, 0, 3);

const versionOf = (recipe: RecipeName, watermark = 0, id = `${recipe}-v1`): ModelVersion => ({
  id,
  recipe,
  createdAt: T,
  params: {},
  metrics: {},
  data: { users: data.userIds.length, items: data.itemIds.length, interactions: data.item.length },
  watermark,
  trainSeconds: 0,
  sizeBytes: 0,
});

async function trained(name: RecipeName): Promise<Recipe> {
  const recipe = createRecipe(name, name.includes('personal') ? { factors: 8, iterations: 4 } : {});
  await recipe.fit(data, { threads: 1 });
  return recipe;
}

const logged = (eventType: EventType, itemId: string | undefined, offset: number): LoggedEvent => ({
  eventId: `m${offset}`,
  eventType,
  userId: 'u1',
  ...(itemId ? { itemId } : {}),
  timestamp: T + offset,
  receivedAt: T + offset,
  offset,
});

describe('model package', () => {
  for (const name of ['popular', 'similar-items', 'user-personalization'] as const) {
    test(`${name}: encode then decode gives the same recipe and item ids`, async () => {
      const recipe = await trained(name);
      const { recipe: restored, itemIds } = decodeModel(encodeModel(recipe, data.itemIds));
      assert.equal(restored.name, name);
      assert.deepEqual(itemIds, data.itemIds);
      const queries = [queryOf(-1, [{ item: 1 }, { item: 2 }]), queryOf(-1, [])];
      assert.deepEqual(restored.recommend(queries, 5), recipe.recommend(queries, 5));
    });
  }

  test('refuses bytes that are not a model package', async () => {
    const recipe = await trained('popular');
    assert.throws(() => decodeModel(encodeSnapshot(recipe.save())), /not a Gu model package/);
    assert.throws(() => decodeModel(new Uint8Array([1, 2, 3])));
  });
});

describe('LiveModel', () => {
  test('loads a version: recipe, item ids and their indices, applied offset = watermark', async () => {
    const recipe = await trained('popular');
    const live = new LiveModel(versionOf('popular', 42), encodeModel(recipe, data.itemIds));
    assert.equal(live.recipe.name, 'popular');
    assert.equal(live.version.id, 'popular-v1');
    assert.equal(live.appliedOffset, 42);
    assert.deepEqual(live.itemIds, data.itemIds);
    assert.equal(live.indexOf(data.itemIds[3]), 3);
    assert.equal(live.indexOf('no-such-item'), -1);
    assert.deepEqual([...live.indices([data.itemIds[2], 'nope', data.itemIds[0]])], [2, -1, 0]);
  });

  test('update applies events past the applied offset once, with the shopper’s items before them', async () => {
    const recipe = await trained('popular');
    const live = new LiveModel(versionOf('popular', 10), encodeModel(recipe, data.itemIds));
    const seen: InteractionEvent[][] = [];
    const update = live.recipe.update.bind(live.recipe);
    live.recipe.update = (events) => {
      seen.push([...events]);
      update(events);
    };
    const i20 = data.itemIds.indexOf('i20');
    const score = () => live.recipe.recommend([queryOf(-1, [])], 1, { candidates: Int32Array.of(i20) })[0][0];
    assert.equal(score().score, 0, 'nobody touched i20 in training');

    const events = [
      logged('view', 'i20', 9), // at or below the watermark: already in the model
      logged('view', 'i20', 11),
      logged('search', undefined, 12), // no item: nothing to learn
      logged('purchase', 'i20', 13),
      logged('view', 'unknown-item', 14),
    ];
    live.update(events, (e) => (e.offset === 13 ? ['i20', 'unknown-item'] : []));
    assert.equal(live.appliedOffset, 14);
    assert.deepEqual(
      seen[0].map((e) => [e.user, e.item, e.type, e.time]),
      [
        [-1, i20, EventCode.view, T + 11],
        [-1, i20, EventCode.purchase, T + 13],
        [-1, -1, EventCode.view, T + 14],
      ],
    );
    assert.deepEqual([...seen[0][1].recent!], [i20, -1]);
    assert.equal(score().score, 1 + 5, 'a view and a purchase');

    // A replay of the same events changes nothing.
    live.update(events, () => []);
    assert.equal(seen.length, 1);
    assert.equal(score().score, 6);
  });
});
