import { metaStoreConformance } from '@gu/core/conformance';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb } from './db.js';
import { SqliteMetaStore } from './meta-store.js';
import { tempDirs } from './testing/temp-dirs.js';

const newDir = tempDirs();
const open = (dir: string) => new SqliteMetaStore(openDb(join(dir, 'gu.db')));

metaStoreConformance('sqlite', async () => open(await newDir()));

test('documents survive reopening', async () => {
  const dir = await newDir();
  const first = open(dir);
  await first.set('processor/checkpoint', { offset: 99 });
  await first.close();
  const again = open(dir);
  assert.deepEqual(await again.get('processor/checkpoint'), { offset: 99 });
  await again.close();
});

test('list takes the prefix literally: _ and % are no wildcards', async () => {
  const store = open(await newDir());
  await store.set('a_%/1', 1);
  await store.set('ab%/2', 2);
  assert.deepEqual(await store.list('a_%/'), [['a_%/1', 1]]);
  await store.close();
});
