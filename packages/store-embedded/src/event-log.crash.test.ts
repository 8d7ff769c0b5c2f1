import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openDb } from './db.js';
import { SqliteEventLog } from './event-log.js';
import { BATCH, batchIds } from './testing/append-child.js';
import { tempDirs } from './testing/temp-dirs.js';

const newDir = tempDirs();
const child = fileURLToPath(new URL('./testing/append-child.js', import.meta.url));

test('every acknowledged append survives SIGKILL of the process', async () => {
  const dir = await newDir();
  const proc = spawn(process.execPath, [child, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    proc.on('exit', (_, signal) => resolve(signal)),
  );
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk: string) => {
    out += chunk;
    // Kill mid-stream, once plenty has been acknowledged and appends are still in flight.
    if (out.length > 3000 && proc.exitCode === null) proc.kill('SIGKILL');
  });
  assert.equal(await exited, 'SIGKILL');

  const acked = out
    .split('\n')
    .filter((line) => /^\d+$/.test(line)) // a line cut by the kill is not an acknowledgement
    .map(Number);
  assert.ok(acked.length > 100, `only ${acked.length} batches acknowledged`);

  const log = new SqliteEventLog(openDb(join(dir, 'gu.db')));
  const stored = new Set<string>();
  for (let after = 0; ;) {
    const page = await log.read(after, 10_000);
    if (!page.length) break;
    for (const e of page) stored.add(e.eventId);
    after = page.at(-1)!.offset;
  }
  const missing = acked.flatMap(batchIds).filter((id) => !stored.has(id));
  assert.deepEqual(missing, []);
  // A batch is one transaction's worth or nothing: none is half stored, acknowledged or not.
  const perBatch = new Map<string, number>();
  for (const id of stored) perBatch.set(id.split('-')[0], (perBatch.get(id.split('-')[0]) ?? 0) + 1);
  assert.ok([...perBatch.values()].every((n) => n === BATCH));
  await log.close();
});
