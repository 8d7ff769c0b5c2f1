import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UserStore } from '../user-store.js';
import { user } from './fixtures.js';
import { using } from './use.js';

const personal = { email: 'lan.nguyen@example.vn', name: 'Nguyễn Thị Lan', phone: '+84 90 123 4567' };

/** The contract every UserStore adapter must keep (ports/user-store.ts). */
export function userStoreConformance(name: string, make: () => Promise<UserStore>): void {
  const test = (title: string, body: (store: UserStore) => Promise<void>) =>
    it(title, () => using(make, body));

  describe(`UserStore conformance: ${name}`, () => {
    test('is empty at first', async (store) => {
      assert.equal(await store.count(), 0);
      assert.equal(await store.get('nobody'), undefined);
      assert.deepEqual(await store.sessions('nobody'), []);
    });

    test('stores users with their personal data and gives it back', async (store) => {
      await store.upsert([user('lan', { personal }), user('anh')]);
      assert.deepEqual(await store.get('lan'), user('lan', { personal }));
      assert.deepEqual(await store.get('anh'), user('anh'));
      assert.equal(await store.count(), 2);
    });

    test('upsert replaces the user, personal data included', async (store) => {
      await store.upsert([user('lan', { personal })]);
      await store.upsert([user('lan', { attributes: { segment: 'new' } })]);
      assert.deepEqual(await store.get('lan'), user('lan', { attributes: { segment: 'new' } }));
      await store.upsert([user('lan', { personal: { email: 'other@example.vn' } })]);
      assert.deepEqual((await store.get('lan'))?.personal, { email: 'other@example.vn' });
      assert.equal(await store.count(), 1);
    });

    test('links sessions to a user, each once', async (store) => {
      await store.upsert([user('lan')]);
      await store.linkSession('lan', 's1');
      await store.linkSession('lan', 's2');
      await store.linkSession('lan', 's1');
      await store.linkSession('anh', 's3');
      assert.deepEqual((await store.sessions('lan')).sort(), ['s1', 's2']);
      assert.deepEqual(await store.sessions('anh'), ['s3']);
    });

    test('erase removes the user and the linked sessions', async (store) => {
      await store.upsert([user('lan', { personal }), user('anh')]);
      await store.linkSession('lan', 's1');
      assert.equal(await store.erase('lan'), true);
      assert.equal(await store.get('lan'), undefined);
      assert.deepEqual(await store.sessions('lan'), []);
      assert.equal(await store.count(), 1);
      assert.equal(await store.erase('lan'), false);
      assert.deepEqual(await store.get('anh'), user('anh'));
    });
  });
}
