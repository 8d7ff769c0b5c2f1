import { closeStores, type Stores } from '@gu/core';
import { fixtures } from '@gu/core/conformance';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openEmbeddedStores } from './stores.js';
import { tempDirs } from './testing/temp-dirs.js';

const newDir = tempDirs();
const { shopEvent, item, user } = fixtures;
const secret = 'a long operator secret';

test('one data directory: gu.db, models/ and lake/, everything back after reopening', async () => {
  const dir = join(await newDir(), 'nested', 'data');
  const stores = openEmbeddedStores(dir, { secret });
  await stores.log.append([shopEvent('e1')]);
  const [logged] = await stores.log.read(0, 1);
  await stores.events.add([logged]);
  await stores.lake.append([logged]);
  await stores.catalog.upsert([item('i1')]);
  await stores.users.upsert([user('u1', { personal: { email: 'u1@example.vn' } })]);
  await stores.meta.set('processor/checkpoint', logged.offset);
  await stores.close();

  assert.deepEqual((await readdir(dir)).sort(), ['gu.db', 'lake', 'models']);
  const again = openEmbeddedStores(dir, { secret });
  assert.equal(await again.log.last(), 1);
  assert.equal((await again.events.timeline('u:u1', 5)).length, 1);
  assert.deepEqual(await again.lake.partitions(), ['2024-03-01']);
  assert.equal(await again.catalog.count(), 1);
  assert.equal((await again.users.get('u1'))?.personal?.email, 'u1@example.vn');
  assert.equal(await again.meta.get('processor/checkpoint'), 1);
  await closeStores(again);
});

test("core's closeStores closes the bundle: the stores are the only enumerable values", async () => {
  const stores = openEmbeddedStores(await newDir(), { secret });
  assert.deepEqual(Object.keys(stores).sort(), [
    'catalog',
    'events',
    'lake',
    'log',
    'meta',
    'models',
    'users',
  ]);
  await closeStores(stores as Stores);
  await assert.rejects(stores.log.append([shopEvent('late')]), /closed/);
});

test('reopening with another secret is refused', async () => {
  const dir = await newDir();
  await openEmbeddedStores(dir, { secret }).close();
  assert.throws(() => openEmbeddedStores(dir, { secret: 'another secret' }), /secret differs/);
  assert.throws(() => openEmbeddedStores(dir, { secret: '' }), /secret is required/);
  await openEmbeddedStores(dir, { secret }).close();
});
