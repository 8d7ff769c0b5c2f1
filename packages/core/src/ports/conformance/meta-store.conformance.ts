import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetaStore } from '../meta-store.js';
import { using } from './use.js';

/** The contract every MetaStore adapter must keep (ports/meta-store.ts). */
export function metaStoreConformance(name: string, make: () => Promise<MetaStore>): void {
  const test = (title: string, body: (store: MetaStore) => Promise<void>) =>
    it(title, () => using(make, body));

  describe(`MetaStore conformance: ${name}`, () => {
    test('gives back what was set, as JSON', async (store) => {
      assert.equal(await store.get('missing'), undefined);
      const doc = { offset: 42, filters: ['a', 'b'], nested: { on: true, ratio: 0.5 }, none: null };
      await store.set('processor/checkpoint', doc);
      await store.set('count', 7);
      await store.set('name', 'gu');
      assert.deepEqual(await store.get('processor/checkpoint'), doc);
      assert.equal(await store.get('count'), 7);
      assert.equal(await store.get('name'), 'gu');
    });

    test('set overwrites and delete removes', async (store) => {
      await store.set('k', { v: 1 });
      await store.set('k', { v: 2 });
      assert.deepEqual(await store.get('k'), { v: 2 });
      await store.delete('k');
      assert.equal(await store.get('k'), undefined);
      await store.delete('never-set');
    });

    test('list returns the keys under a prefix, sorted', async (store) => {
      await store.set('filter/b', 2);
      await store.set('filter/a', 1);
      await store.set('filterx', 0);
      await store.set('other/a', 3);
      assert.deepEqual(await store.list('filter/'), [
        ['filter/a', 1],
        ['filter/b', 2],
      ]);
      assert.equal((await store.list('')).length, 4);
      assert.deepEqual(await store.list('none/'), []);
    });
  });
}
