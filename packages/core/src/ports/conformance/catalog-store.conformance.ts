import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CatalogStore } from '../catalog-store.js';
import { item } from './fixtures.js';
import { using } from './use.js';

/** The contract every CatalogStore adapter must keep (ports/catalog-store.ts). */
export function catalogStoreConformance(name: string, make: () => Promise<CatalogStore>): void {
  const test = (title: string, body: (store: CatalogStore) => Promise<void>) =>
    it(title, () => using(make, body));

  describe(`CatalogStore conformance: ${name}`, () => {
    test('is empty at first', async (store) => {
      assert.equal(await store.count(), 0);
      assert.deepEqual(await store.all(), []);
      assert.equal(await store.get('nothing'), undefined);
    });

    test('stores every field of an item', async (store) => {
      const full = item('full', { brand: 'Gu', imageUrl: 'https://img.example/1.jpg', currency: 'USD' });
      await store.upsert([full, item('plain')]);
      assert.deepEqual(await store.get('full'), full);
      assert.deepEqual(await store.get('plain'), item('plain'));
      assert.equal(await store.count(), 2);
    });

    test('upsert replaces an item with the same id', async (store) => {
      await store.upsert([item('a', { brand: 'Old' }), item('b')]);
      await store.upsert([item('a', { title: 'New title', price: 1 })]);
      assert.deepEqual(await store.get('a'), item('a', { title: 'New title', price: 1 }));
      assert.equal(await store.count(), 2);
    });

    test('all returns every item in a stable order', async (store) => {
      const ids = ['m', 'c', 'x', 'a', 'q'];
      await store.upsert(ids.map((id) => item(id)));
      const first = await store.all();
      assert.deepEqual(first.map((i) => i.itemId).sort(), [...ids].sort());
      assert.deepEqual(
        (await store.all()).map((i) => i.itemId),
        first.map((i) => i.itemId),
      );
    });

    test('markUnavailable keeps the item but flags it', async (store) => {
      await store.upsert([item('a'), item('b')]);
      assert.equal(await store.markUnavailable('a'), true);
      assert.equal(await store.markUnavailable('missing'), false);
      assert.deepEqual(await store.get('a'), item('a', { available: false }));
      assert.equal((await store.get('b'))?.available, true);
      assert.equal(await store.count(), 2);
      assert.equal(await store.get('missing'), undefined);
    });
  });
}
