import { fixtures, userStoreConformance } from '@gu/core/conformance';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { deriveKey } from './crypto.js';
import { openDb } from './db.js';
import { SqliteUserStore } from './user-store.js';
import { tempDirs } from './testing/temp-dirs.js';

const newDir = tempDirs();
const open = (dir: string, key: Uint8Array) => new SqliteUserStore(openDb(join(dir, 'gu.db')), key);
const personal = { email: 'lan.nguyen@example.vn', name: 'Nguyen Thi Lan', phone: '+84901234567' };

/** Every byte SQLite keeps for the directory: the database, its WAL and shared memory. */
const rawBytes = async (dir: string) =>
  Buffer.concat(await Promise.all((await readdir(dir)).map((f) => readFile(join(dir, f)))));

userStoreConformance('sqlite', async () => open(await newDir(), randomBytes(32)));

test('personal data is never written in plaintext', async () => {
  const dir = await newDir();
  const store = open(dir, randomBytes(32));
  await store.upsert([fixtures.user('lan', { personal })]);
  const assertAbsent = (bytes: Buffer) => {
    for (const value of Object.values(personal))
      assert.equal(bytes.indexOf(value), -1, `${value} in plaintext`);
    assert.notEqual(bytes.indexOf('vip'), -1, 'plain attributes are where the test looks');
  };
  assertAbsent(await rawBytes(dir)); // still in the WAL
  await store.close();
  assertAbsent(await rawBytes(dir)); // checkpointed into gu.db
});

test('the key from the same secret opens the data again; another secret is refused', async () => {
  const dir = await newDir();
  const db = openDb(join(dir, 'gu.db'));
  const key = deriveKey(db, 'correct horse battery staple');
  const store = new SqliteUserStore(db, key);
  await store.upsert([fixtures.user('lan', { personal })]);
  await store.close();

  const again = openDb(join(dir, 'gu.db'));
  assert.throws(() => new SqliteUserStore(again, deriveKey(again, 'wrong secret')), /secret differs/);
  const third = openDb(join(dir, 'gu.db')); // the refused store released (closed) the connection
  const reopened = new SqliteUserStore(third, deriveKey(third, 'correct horse battery staple'));
  assert.deepEqual((await reopened.get('lan'))?.personal, personal);
  await reopened.close();
});

test('a key is derived per data directory (random salt)', async () => {
  const [a, b] = [openDb(join(await newDir(), 'gu.db')), openDb(join(await newDir(), 'gu.db'))];
  assert.notDeepEqual(deriveKey(a, 'same secret'), deriveKey(b, 'same secret'));
  assert.deepEqual(deriveKey(a, 'same secret'), deriveKey(a, 'same secret'));
  assert.equal(deriveKey(a, 'same secret').length, 32);
  assert.throws(() => deriveKey(a, ''), /secret is required/);
  a.sql.close();
  b.sql.close();
});

test('sealed data copied into another user row does not open', async () => {
  const dir = await newDir();
  const db = openDb(join(dir, 'gu.db'));
  const store = new SqliteUserStore(db, randomBytes(32));
  await store.upsert([
    fixtures.user('lan', { personal }),
    fixtures.user('anh', { personal: { email: 'a@b.vn' } }),
  ]);
  db.sql
    .prepare(
      "UPDATE users SET personal = (SELECT personal FROM users WHERE user_id = 'lan') WHERE user_id = 'anh'",
    )
    .run();
  await assert.rejects(store.get('anh'));
  await store.close();
});
