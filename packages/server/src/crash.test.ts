import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { LoggedEvent } from '@gu/core';
import { openStores } from './stores.js';

/** The built CLI, next to this package: `npm run build` compiles it with the tests. */
const CLI = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));
const PUBLIC = 'pk_crash_public';
const SECRET = 'sk_crash_secret';
const GU_SECRET = 'crash-secret';

const CLIENTS = 20;
const BATCH = 50;
const LOAD_MS = 1500;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

interface Gu {
  process: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | string | null>;
}

/** `gu start` on the data directory, resolved once /healthz answers. */
async function start(data: string): Promise<Gu> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [CLI, 'start', '--data', data, '--host', '127.0.0.1', '--port', String(port), '--no-demo'],
    {
      env: {
        ...process.env,
        GU_RETRAIN_HOURS: '0',
        GU_RATE_LIMIT: '0',
        GU_PUBLIC_KEY: PUBLIC,
        GU_SECRET_KEY: SECRET,
        GU_SECRET,
        GU_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let gone = false;
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => {
      gone = true;
      resolve(signal ?? code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (gone) throw new Error(`gu start exited early:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gu start did not answer /healthz:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { process: child, url, output: () => output, exited };
}

/** One client: posts batches until stopped or the server goes away; resolves with the acknowledged ids. */
async function client(url: string, c: number, stopped: () => boolean): Promise<string[]> {
  const acknowledged: string[] = [];
  for (let b = 0; !stopped(); b++) {
    const events = Array.from({ length: BATCH }, (_, i) => ({
      eventId: `c${c}-b${b}-e${i}`,
      eventType: i % 10 === 9 ? 'add_to_cart' : 'view',
      userId: `u-${c}-${b % 7}`,
      itemId: `item-${(b * BATCH + i) % 300}`,
      timestamp: Date.now(),
    }));
    try {
      const res = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': PUBLIC },
        body: JSON.stringify(events),
      });
      const body = (await res.json()) as { accepted?: number };
      if (res.status !== 200) throw new Error(`status ${res.status}: ${JSON.stringify(body)}`);
      assert.equal(body.accepted, BATCH);
      acknowledged.push(...events.map((e) => e.eventId));
    } catch (error) {
      if (stopped()) break; // the server was killed under this request: not acknowledged
      throw error;
    }
  }
  return acknowledged;
}

async function readLog(data: string): Promise<LoggedEvent[]> {
  const stores = openStores(`sqlite:${data}`, GU_SECRET);
  try {
    const out: LoggedEvent[] = [];
    for (let after = 0; ;) {
      const batch = await stores.log.read(after, 10_000);
      if (!batch.length) return out;
      out.push(...batch);
      after = batch[batch.length - 1].offset;
    }
  } finally {
    await Promise.all(Object.values(stores).map((s) => s.close()));
  }
}

it(
  'loses no acknowledged event when the server is killed with SIGKILL under ingest load',
  { timeout: 60_000 },
  async (t) => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build first`);
    const data = mkdtempSync(join(tmpdir(), 'gu-crash-'));
    let gu: Gu | undefined;
    try {
      gu = await start(data);
      let killed = false;
      const clients = Array.from({ length: CLIENTS }, (_, c) => client(gu!.url, c, () => killed));
      await new Promise((r) => setTimeout(r, LOAD_MS));
      killed = true;
      gu.process.kill('SIGKILL');
      assert.equal(await gu.exited, 'SIGKILL');
      const acknowledged = (await Promise.all(clients)).flat();
      assert.ok(
        acknowledged.length >= 20 * BATCH,
        `too little load to mean anything: ${acknowledged.length} events acknowledged`,
      );

      // The server comes back on the same data and catches up with the log.
      gu = await start(data);
      const status = await (async () => {
        for (const deadline = Date.now() + 10_000; ;) {
          const res = await fetch(`${gu!.url}/v1/admin/status`, { headers: { 'x-api-key': SECRET } });
          const body = (await res.json()) as { lag: number; logEnd: number };
          if (body.lag === 0) return body;
          assert.ok(Date.now() < deadline, `the processor did not catch up: ${JSON.stringify(body)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      assert.ok(status.logEnd >= acknowledged.length);
      gu.process.kill('SIGTERM');
      assert.equal(await gu.exited, 0, gu.output());
      gu = undefined;

      const log = await readLog(data);
      const ids = new Set(log.map((e) => e.eventId));
      assert.equal(ids.size, log.length, 'every event is in the log once');
      t.diagnostic(`${acknowledged.length} events acknowledged before SIGKILL; ${log.length} in the log`);
      const lost = acknowledged.filter((id) => !ids.has(id));
      assert.deepEqual(
        lost.slice(0, 10),
        [],
        `${lost.length} of ${acknowledged.length} acknowledged events lost`,
      );
    } finally {
      if (gu && gu.process.exitCode === null && gu.process.signalCode === null) {
        gu.process.kill('SIGKILL');
        await gu.exited;
      }
      rmSync(data, { recursive: true, force: true });
    }
  },
);
