import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { batches, shopEvents, shopItems } from './testing/shop.js';
import { PUBLIC, SECRET, clusterPids, startGu, type GuProcess } from './testing/gu-process.js';
import { allowedCpus, threadCpuLists } from './cpu-affinity.js';
import { waitFor } from './testing/wait-for.js';
import { WebSocket } from './testing/ws-client.js';

interface Answer {
  items: { itemId: string }[];
  fallback?: boolean;
  variant?: string;
}

/** A request on a connection of its own: the supervisor hands each new connection to the next replica. */
function fresh(url: string, path: string, key = PUBLIC): Promise<{ status: number; body: Answer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { agent: false, headers: { 'x-api-key': key } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.once('error', reject);
    req.end();
  });
}

const admin = async (url: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'x-api-key': SECRET, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};

/** Asks every replica (REQUESTS fresh connections, handed out in turn) and returns the answers' item lists. */
const REQUESTS = 8;
async function everyReplica(url: string, path: string): Promise<string[][]> {
  const answers = [];
  for (let k = 0; k < REQUESTS; k++) {
    const { status, body } = await fresh(url, path);
    assert.equal(status, 200, JSON.stringify(body));
    answers.push(body.items.map((i: { itemId: string }) => i.itemId));
  }
  return answers;
}

/** The cluster's processes answer within this unless a test says otherwise. */
const SOON = 10_000;

describe('gu start --workers 2: a writer and two serving replicas', { timeout: 120_000 }, () => {
  const data = mkdtempSync(join(tmpdir(), 'gu-cluster-'));
  let gu: GuProcess;
  let served = 0;
  before(async () => {
    gu = await startGu(data, ['--workers', '2', '--pin']);
    // Everything below is forwarded by the replicas to the writer.
    assert.equal((await admin(gu.url, 'PUT', '/v1/items', shopItems())).status, 200);
    for (const batch of batches(shopEvents())) {
      const res = await fetch(`${gu.url}/v1/events`, {
        method: 'POST',
        headers: { 'x-api-key': PUBLIC, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      });
      assert.equal(res.status, 200);
    }
    const job = await admin(gu.url, 'POST', '/v1/admin/training', { promote: 'always' });
    assert.equal(job.status, 202, JSON.stringify(job.body));
    await waitFor(
      'training',
      async () => {
        const { body } = await admin(gu.url, 'GET', `/v1/admin/training/${job.body.id}`);
        assert.notEqual(body.status, 'failed', JSON.stringify(body));
        return body.status === 'succeeded' ? body : undefined;
      },
      60_000,
    );
  });
  after(async () => {
    gu.process.kill('SIGTERM');
    await gu.exited;
    rmSync(data, { recursive: true, force: true });
  });

  test("every replica serves the writer's models, and sees a new shopper's WebSocket events", async () => {
    const home = '/v1/recommendations?userId=u-001&placement=home&n=5';
    const answers = await waitFor(
      'both replicas to serve the trained models',
      async () => {
        const a = await everyReplica(gu.url, home);
        served += REQUESTS;
        return a.every((items) => items.join() === a[0].join()) && a[0].length === 5 ? a : undefined;
      },
      SOON,
    );
    assert.equal(answers.length, REQUESTS);

    // A shopper nobody knew views three items over a WebSocket that a replica forwards to the writer.
    const [shirt] = shopItems();
    const ws = new WebSocket(`${gu.url.replace('http', 'ws')}/v1/events/stream?key=${PUBLIC}`);
    await new Promise<void>((resolve, reject) => ws.on('open', resolve).on('error', reject));
    const reply = new Promise<unknown>((resolve) => ws.on('message', (m) => resolve(JSON.parse(String(m)))));
    ws.send(
      JSON.stringify({
        id: 'b1',
        events: [0, 1, 2].map((k) => ({
          eventId: `ws-new-${k}`,
          eventType: 'view',
          userId: 'newcomer',
          itemId: shirt.itemId,
          timestamp: Date.now() - 1000 + k,
        })),
      }),
    );
    assert.deepEqual(await reply, { id: 'b1', accepted: 3, duplicates: 0, rejected: [] });
    ws.close();
    const pdp = `/v1/recommendations?userId=newcomer&itemId=${shirt.itemId}&placement=pdp&n=5`;
    await waitFor(
      'every replica to follow the newcomer',
      async () => {
        const r = await Promise.all(Array.from({ length: REQUESTS }, () => fresh(gu.url, pdp)));
        served += REQUESTS;
        return r.every((x) => x.status === 200 && !x.body.fallback) ? r : undefined;
      },
      SOON,
    );
  });

  test('catalog changes and erasure reach every replica', async () => {
    const [shirt] = shopItems();
    assert.equal((await admin(gu.url, 'DELETE', `/v1/items/${shirt.itemId}`)).status, 204);
    // The writer has answered; the change reaches the replicas through the supervisor within milliseconds.
    await waitFor(
      'no replica to list the deleted item',
      async () => {
        const answers = await everyReplica(gu.url, '/v1/popular?n=50');
        return answers.every((items) => !items.includes(shirt.itemId)) || undefined;
      },
      SOON,
    );

    const user = '/v1/recommendations?userId=u-002&placement=home&n=5';
    const stranger = (await fresh(gu.url, '/v1/recommendations?userId=nobody&placement=home&n=5')).body;
    served += 1;
    assert.notDeepEqual((await fresh(gu.url, user)).body.items, stranger.items, 'u-002 has a history');
    served += 1;
    assert.equal((await admin(gu.url, 'DELETE', '/v1/users/u-002')).status, 200);
    const strangers = stranger.items.map((i: { itemId: string }) => i.itemId).join();
    await waitFor(
      'every replica to forget u-002',
      async () => {
        const after = await everyReplica(gu.url, user);
        served += REQUESTS;
        return after.every((items) => items.join() === strangers) || undefined;
      },
      SOON,
    );
  });

  test('an A/B test started through a replica reaches every replica, a shopper in one variant on all', async () => {
    const started = await admin(gu.url, 'POST', '/v1/admin/experiments', {
      name: 'cluster',
      placement: 'home',
      variants: [
        { name: 'bestsellers', recipe: 'popular' },
        { name: 'for-you', recipe: 'user-personalization' },
      ],
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    /** The variant each replica serves the shopper, once every one of them serves the experiment. */
    const variants = (userId: string, expected: (v: string) => boolean) =>
      waitFor(
        `every replica to serve ${userId} the experiment's change`,
        async () => {
          const path = `/v1/recommendations?userId=${userId}&placement=home&n=5`;
          const answers = await Promise.all(Array.from({ length: REQUESTS }, () => fresh(gu.url, path)));
          served += REQUESTS;
          const names = answers.map((a) => a.body.variant!);
          return names.every(expected) ? names : undefined;
        },
        SOON,
      );
    for (const userId of ['u-003', 'u-004', 'u-005']) {
      const names = await variants(userId, (v) => v !== 'default');
      assert.ok(
        names.every((v) => v === names[0]),
        `${userId} sees ${names.join(', ')}`,
      );
    }
    const stopped = await admin(gu.url, 'POST', `/v1/admin/experiments/${started.body.id}/stop`);
    assert.equal(stopped.status, 200);
    await variants('u-003', (v) => v === 'default');
  });

  test("/metrics and the dashboard's KPIs count what every replica served", async () => {
    const total = await waitFor(
      'the replicas to report what they served',
      async () => {
        const text = await (await fetch(`${gu.url}/metrics`)).text();
        const sum = [...text.matchAll(/^gu_recommendations_total\{[^}]*\} (\d+)$/gm)].reduce(
          (s, m) => s + Number(m[1]),
          0,
        );
        const { body } = await admin(gu.url, 'GET', '/v1/admin/kpis?window=60');
        const kpis = Object.values(body.widgets as Record<string, { served: number }>).reduce(
          (s, w) => s + w.served,
          0,
        );
        return sum === served && kpis === served ? sum : undefined;
      },
      SOON,
    );
    assert.equal(total, served);
  });

  test('with --pin each replica runs on a CPU of its own, every thread of it; the writer is not pinned', () => {
    const { writer, replicas } = clusterPids(gu.output());
    const cpus = allowedCpus();
    replicas.forEach((pid, k) =>
      assert.deepEqual(threadCpuLists(pid), [String(cpus[k % cpus.length])], `replica ${k} (pid ${pid})`),
    );
    assert.deepEqual(threadCpuLists(writer), threadCpuLists(process.pid));
  });

  test("the writer, idle while replicas answer, runs without V8's memory reducer; the replicas as started", () => {
    const { writer, replicas } = clusterPids(gu.output());
    const flags = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    assert.ok(flags(writer).includes('--no-memory-reducer'), flags(writer).join(' '));
    for (const pid of replicas) assert.ok(!flags(pid).includes('--no-memory-reducer'), flags(pid).join(' '));
  });

  test('the replicas and the writer exit when the supervisor is killed', async () => {
    const { writer, replicas } = clusterPids(gu.output());
    gu.process.kill('SIGKILL');
    await gu.exited;
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitFor(
      'every process of the cluster to exit',
      async () => ([writer, ...replicas].some(alive) ? undefined : true),
      SOON,
    );
  });
});
