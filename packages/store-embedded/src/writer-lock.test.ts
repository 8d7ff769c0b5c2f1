import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openEmbeddedStores } from './stores.js';
import { tempDirs } from './testing/temp-dirs.js';
import { DataDirInUseError, lockWriter } from './writer-lock.js';

const newDir = tempDirs();
const secret = 'a long operator secret';

test('one writer at a time: a second is refused, naming the first, until the first lets go', async () => {
  const dir = await newDir();
  const release = lockWriter(dir, 'gu import items.csv');
  const refused = (() => {
    try {
      lockWriter(dir, 'a Gu server');
    } catch (error) {
      return error;
    }
  })();
  assert.ok(refused instanceof DataDirInUseError);
  assert.equal(refused.holder?.pid, process.pid);
  assert.match(refused.message, /in use by gu import items\.csv \(process \d+, since 20\d\d-/);
  release();
  assert.equal(existsSync(join(dir, 'writer.json')), false);
  lockWriter(dir, 'a Gu server')();
});

test('a writer killed with -9 leaves no lock behind', async () => {
  const dir = await newDir();
  const lock = new URL('./writer-lock.js', import.meta.url).href;
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `(await import('${lock}')).lockWriter(process.argv[1], 'x'); console.log('locked'); setInterval(() => {}, 1000);`,
      dir,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await once(child.stdout, 'data');
  assert.throws(() => lockWriter(dir, 'the next'), DataDirInUseError);
  child.kill('SIGKILL');
  await once(child, 'exit');
  lockWriter(dir, 'the next')();
});

test('writer stores hold the lock until every store has closed; readers open beside them', async () => {
  const dir = await newDir();
  const writer = openEmbeddedStores(dir, { secret, writer: 'a Gu server' });
  assert.throws(() => openEmbeddedStores(dir, { secret, writer: 'gu import' }), /in use by a Gu server/);
  const reader = openEmbeddedStores(dir, { secret });
  assert.equal(await reader.log.last(), 0);
  await reader.close();
  // Closed one by one, as core's closeStores does: the lock waits for the last.
  await writer.log.close();
  assert.throws(() => openEmbeddedStores(dir, { secret, writer: 'gu import' }), DataDirInUseError);
  await writer.close();
  await openEmbeddedStores(dir, { secret, writer: 'gu import' }).close();
});
