import { eventLogConformance, fixtures } from '@gu/core/conformance';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb } from './db.js';
import { SqliteEventLog } from './event-log.js';
import { tempDirs } from './testing/temp-dirs.js';

const newDir = tempDirs();
const open = (dir: string) => new SqliteEventLog(openDb(join(dir, 'gu.db')));
const { shopEvent } = fixtures;

eventLogConformance('sqlite', async () => open(await newDir()));

test('the log is in WAL mode and fsyncs every commit', async () => {
  const db = openDb(join(await newDir(), 'gu.db'));
  const sql = db.retain();
  assert.equal(sql.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(sql.pragma('synchronous', { simple: true }), 2); // FULL
  db.release();
});

test('events, offsets and duplicate detection survive reopening', async () => {
  const dir = await newDir();
  const first = open(dir);
  await first.append([shopEvent('a'), shopEvent('b')]);
  await first.close();
  const again = open(dir);
  assert.equal(await again.last(), 2);
  assert.deepEqual(await again.append([shopEvent('b'), shopEvent('c')]), { appended: 1, duplicates: ['b'] });
  assert.deepEqual(
    (await again.read(0, 10)).map((e) => [e.offset, e.eventId]),
    [
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ],
  );
  await again.close();
});

test('group commit: concurrent appends share one transaction', async () => {
  const log = open(await newDir());
  const appends = Array.from({ length: 100 }, (_, b) =>
    log.append([shopEvent(`b${b}-1`), shopEvent(`b${b}-2`)]),
  );
  await Promise.all(appends);
  assert.equal(log.commits, 1);
  await log.append([shopEvent('later')]);
  assert.equal(log.commits, 2);
  assert.equal(await log.last(), 201);
  await log.close();
});

test('erase also removes events still queued for commit', async () => {
  const log = open(await newDir());
  const pending = log.append([shopEvent('x', { userId: 'gone' }), shopEvent('y', { userId: 'kept' })]);
  assert.equal(await log.erase('gone', []), 1);
  assert.equal((await pending).appended, 2);
  assert.deepEqual(
    (await log.read(0, 10)).map((e) => e.eventId),
    ['y'],
  );
  await log.close();
});

test('append after close is refused; close commits what was queued', async () => {
  const dir = await newDir();
  const log = open(dir);
  const pending = log.append([shopEvent('queued')]);
  await log.close();
  assert.equal((await pending).appended, 1);
  await assert.rejects(log.append([shopEvent('late')]), /closed/);
  const again = open(dir);
  assert.equal(await again.last(), 1);
  await again.close();
});

test('an event that cannot be serialized rejects only its own append', async () => {
  const log = open(await newDir());
  const bad = { ...shopEvent('bad'), price: 1n as unknown as number };
  const [good, rejected] = await Promise.allSettled([log.append([shopEvent('good')]), log.append([bad])]);
  assert.equal(good.status, 'fulfilled');
  assert.equal(rejected.status, 'rejected');
  assert.deepEqual(
    (await log.read(0, 10)).map((e) => e.eventId),
    ['good'],
  );
  await log.close();
});

test('trim walks a backlog larger than its chunk, yielding between chunks, and stops at the first newer event', async () => {
  const log = open(await newDir());
  const at = (k: number) => shopEvent(`e${k}`, { receivedAt: fixtures.T0 + k });
  for (let k = 0; k < 12_000; k += 500) await log.append(Array.from({ length: 500 }, (_, j) => at(k + j)));
  let turns = 0;
  const counting = setInterval(() => turns++, 0);
  const removed = await log.trim(fixtures.T0 + 11_000, 12_000);
  clearInterval(counting);
  assert.equal(removed, 11_000);
  assert.ok(turns >= 1, 'the event loop ran between chunks');
  assert.deepEqual(
    (await log.read(0, 2)).map((e) => [e.offset, e.eventId]),
    [
      [11_001, 'e11000'],
      [11_002, 'e11001'],
    ],
  );
  await log.close();
});
