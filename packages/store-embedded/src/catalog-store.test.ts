import { catalogStoreConformance, fixtures } from '@gu/core/conformance';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteCatalogStore } from './catalog-store.js';
import { openDb } from './db.js';
import { tempDirs } from './testing/temp-dirs.js';

const newDir = tempDirs();
const open = (dir: string) => new SqliteCatalogStore(openDb(join(dir, 'gu.db')));

catalogStoreConformance('sqlite', async () => open(await newDir()));

test('the catalog survives reopening', async () => {
  const dir = await newDir();
  const first = open(dir);
  await first.upsert([fixtures.item('b'), fixtures.item('a')]);
  await first.markUnavailable('b');
  await first.close();
  const again = open(dir);
  assert.deepEqual(await again.all(), [fixtures.item('a'), fixtures.item('b', { available: false })]);
  await again.close();
});
