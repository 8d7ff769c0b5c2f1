import { modelStoreConformance } from '@gu/core/conformance';
import type { ModelVersion } from '@gu/core';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb } from './db.js';
import { SqliteModelStore } from './model-store.js';
import { tempDirs } from './testing/temp-dirs.js';

const newDir = tempDirs();
const open = (dir: string) => new SqliteModelStore(openDb(join(dir, 'gu.db')), join(dir, 'models'));
const version = (id: string): ModelVersion => ({
  id,
  recipe: 'popular',
  createdAt: 1,
  params: {},
  metrics: {},
  data: { users: 1, items: 1, interactions: 1 },
  watermark: 0,
  trainSeconds: 0,
  sizeBytes: 3,
});

modelStoreConformance('sqlite', async () => open(await newDir()));

test('blobs are files under models/, with no temp files left, and all survives reopening', async () => {
  const dir = await newDir();
  const first = open(dir);
  await first.put(version('popular-20240301000000-1'), Uint8Array.from([7, 8, 9]));
  await first.put(version('popular-20240302000000-1'), Uint8Array.from([1]));
  await first.promote('popular', 'popular-20240301000000-1');
  await first.promote('popular', 'popular-20240302000000-1');
  await first.close();
  assert.deepEqual((await readdir(join(dir, 'models'))).sort(), [
    'popular-20240301000000-1.bin',
    'popular-20240302000000-1.bin',
  ]);
  const again = open(dir);
  assert.deepEqual([...(await again.blob('popular-20240301000000-1'))], [7, 8, 9]);
  assert.equal(await again.rollback('popular'), 'popular-20240301000000-1');
  assert.deepEqual(await again.serving(), { popular: 'popular-20240301000000-1' });
  await again.close();
});

test('concurrent puts of one id: exactly one wins', async () => {
  const store = open(await newDir());
  const results = await Promise.allSettled([
    store.put(version('same'), Uint8Array.from([1])),
    store.put(version('same'), Uint8Array.from([2])),
  ]);
  assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  const winner = results.findIndex((r) => r.status === 'fulfilled') + 1;
  assert.deepEqual([...(await store.blob('same'))], [winner]);
  await store.close();
});

test('an id cannot name a path outside the models directory', async () => {
  const dir = await newDir();
  const store = open(dir);
  await store.put(version('../../escape'), Uint8Array.from([1]));
  assert.deepEqual(await readdir(join(dir, 'models')), ['..%2F..%2Fescape.bin']);
  assert.deepEqual([...(await store.blob('../../escape'))], [1]);
  await store.close();
});
