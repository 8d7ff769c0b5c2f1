import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecipeName } from '../../recipes/recipe.js';
import type { ModelStore, ModelVersion } from '../model-store.js';
import { T0 } from './fixtures.js';
import { using } from './use.js';

const version = (id: string, recipe: RecipeName = 'popular', createdAt = T0): ModelVersion => ({
  id,
  recipe,
  createdAt,
  params: { halfLifeDays: 7, nested: { k: [1, 2] } },
  metrics: { 'ndcg@10': 0.123, 'recall@20': 0.45 },
  data: { users: 10, items: 20, interactions: 300 },
  watermark: 1234,
  trainSeconds: 1.5,
  sizeBytes: 4,
});
const bytes = (...values: number[]) => Uint8Array.from(values);

/** The contract every ModelStore adapter must keep (ports/model-store.ts). */
export function modelStoreConformance(name: string, make: () => Promise<ModelStore>): void {
  const test = (title: string, body: (store: ModelStore) => Promise<void>) =>
    it(title, () => using(make, body));

  describe(`ModelStore conformance: ${name}`, () => {
    test('stores a version and its blob', async (store) => {
      await store.put(version('popular-1'), bytes(1, 2, 3, 255));
      assert.deepEqual(await store.get('popular-1'), version('popular-1'));
      assert.deepEqual([...(await store.blob('popular-1'))], [1, 2, 3, 255]);
      assert.equal(await store.get('missing'), undefined);
      await assert.rejects(store.blob('missing'));
    });

    test('put of an existing id throws and keeps the first blob', async (store) => {
      await store.put(version('popular-1'), bytes(1));
      await assert.rejects(store.put(version('popular-1'), bytes(2)));
      assert.deepEqual([...(await store.blob('popular-1'))], [1]);
    });

    test('lists versions newest first, optionally for one recipe', async (store) => {
      await store.put(version('popular-1', 'popular', T0), bytes(1));
      await store.put(version('popular-2', 'popular', T0 + 2), bytes(2));
      await store.put(version('trending-1', 'trending', T0 + 1), bytes(3));
      assert.deepEqual(
        (await store.list()).map((v) => v.id),
        ['popular-2', 'trending-1', 'popular-1'],
      );
      assert.deepEqual(
        (await store.list('popular')).map((v) => v.id),
        ['popular-2', 'popular-1'],
      );
      assert.deepEqual(await store.list('random'), []);
    });

    test('promote serves a version per recipe; unknown or mismatched ids are refused', async (store) => {
      assert.deepEqual(await store.serving(), {});
      await store.put(version('popular-1'), bytes(1));
      await store.put(version('trending-1', 'trending'), bytes(2));
      await store.promote('popular', 'popular-1');
      await store.promote('trending', 'trending-1');
      assert.deepEqual(await store.serving(), { popular: 'popular-1', trending: 'trending-1' });
      await assert.rejects(store.promote('popular', 'missing'));
      await assert.rejects(store.promote('popular', 'trending-1'));
      assert.deepEqual(await store.serving(), { popular: 'popular-1', trending: 'trending-1' });
    });

    test('rollback walks back the promotion history of one recipe', async (store) => {
      for (const id of ['p1', 'p2', 'p3']) await store.put(version(id), bytes(1));
      await store.put(version('t1', 'trending'), bytes(1));
      assert.equal(await store.rollback('popular'), undefined);
      await store.promote('popular', 'p1');
      await store.promote('trending', 't1');
      await store.promote('popular', 'p2');
      await store.promote('popular', 'p3');
      assert.equal(await store.rollback('popular'), 'p2');
      assert.deepEqual(await store.serving(), { popular: 'p2', trending: 't1' });
      assert.equal(await store.rollback('popular'), 'p1');
      assert.equal(await store.rollback('popular'), undefined);
      assert.deepEqual(await store.serving(), { popular: 'p1', trending: 't1' });
      // Promoting again after a rollback starts a new history entry.
      await store.promote('popular', 'p3');
      assert.equal(await store.rollback('popular'), 'p1');
      assert.equal(await store.rollback('trending'), undefined);
    });

    test('promoting the version already serving changes nothing: rollback still goes to the one before', async (store) => {
      for (const id of ['p1', 'p2']) await store.put(version(id), bytes(1));
      await store.promote('popular', 'p1');
      await store.promote('popular', 'p2');
      await store.promote('popular', 'p2');
      assert.equal(await store.rollback('popular'), 'p1');
      assert.deepEqual(await store.serving(), { popular: 'p1' });
    });
  });
}
