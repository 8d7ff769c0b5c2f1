import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import type { LoggedEvent } from '@gu/core';
import { openStores } from './stores.js';
import {
  CLI,
  GU_SECRET,
  PUBLIC,
  SECRET,
  clusterPids,
  startGu,
  type GuProcess,
} from './testing/gu-process.js';

const CLIENTS = 20;
const BATCH = 50;
const LOAD_MS = 1500;

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

/**
 * One process, killed; or a cluster (`--workers 2`), whose writer, the process that acknowledges, is killed
 * while replicas forward the load to it: the supervisor then stops the replicas and exits with failure.
 */
for (const workers of [1, 2])
  it(
    `loses no acknowledged event when the server is killed with SIGKILL under ingest load (--workers ${workers})`,
    { timeout: 90_000 },
    async (t) => {
      assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build first`);
      const data = mkdtempSync(join(tmpdir(), 'gu-crash-'));
      const flags = ['--workers', String(workers)];
      let gu: GuProcess | undefined;
      try {
        gu = await startGu(data, flags);
        let killed = false;
        const clients = Array.from({ length: CLIENTS }, (_, c) => client(gu!.url, c, () => killed));
        await new Promise((r) => setTimeout(r, LOAD_MS));
        killed = true;
        if (workers === 1) {
          gu.process.kill('SIGKILL');
          assert.equal(await gu.exited, 'SIGKILL');
        } else {
          process.kill(clusterPids(gu.output()).writer, 'SIGKILL');
          assert.equal(await gu.exited, 1, gu.output());
        }
        const acknowledged = (await Promise.all(clients)).flat();
        assert.ok(
          acknowledged.length >= 20 * BATCH,
          `too little load to mean anything: ${acknowledged.length} events acknowledged`,
        );

        // The server comes back on the same data and catches up with the log.
        gu = await startGu(data, flags);
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
