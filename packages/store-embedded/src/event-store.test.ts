import { eventStoreConformance, fixtures } from '@gu/core/conformance';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb } from './db.js';
import { SqliteEventStore } from './event-store.js';
import { tempDirs } from './testing/temp-dirs.js';

const newDir = tempDirs();
const open = (dir: string) => new SqliteEventStore(openDb(join(dir, 'gu.db')));
const { shopEvent, T0 } = fixtures;

eventStoreConformance('sqlite', async () => open(await newDir()));

test('timelines survive reopening, merges included', async () => {
  const dir = await newDir();
  const first = open(dir);
  await first.add([shopEvent('anon', { userId: undefined, sessionId: 's1' }), shopEvent('known')]);
  await first.merge('s1', 'u1');
  await first.close();
  const again = open(dir);
  const timeline = await again.timeline('u:u1', 10);
  assert.deepEqual(
    timeline.map((e) => [e.eventId, e.userId]),
    [
      ['anon', 'u1'],
      ['known', 'u1'],
    ],
  );
  await again.add([shopEvent('known', { timestamp: T0 + 1 })]);
  assert.equal((await again.timeline('u:u1', 10)).length, 2);
  await again.close();
});

test('since() leaves the connection free for writes while it is consumed', async () => {
  const store = open(await newDir());
  await store.add(Array.from({ length: 2100 }, (_, i) => shopEvent(`e${i}`, { timestamp: T0 + i })));
  let n = 0;
  for await (const e of store.since(T0)) {
    if (n++ % 500 === 0) await store.add([shopEvent(`during-${e.eventId}`, { timestamp: T0 - 1 })]);
  }
  assert.equal(n, 2100);
  await store.close();
});
