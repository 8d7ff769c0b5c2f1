import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from './config.js';
import { startServer, type RunningServer } from './server.js';
import { batches, categoryOf, itemIdsOf, CATEGORIES, shopEvents, shopItems } from './testing/shop.js';
import { WebSocket, type WsClient } from './testing/ws-client.js';

const PUBLIC = 'pk_e2e_public';
const SECRET = 'sk_e2e_secret';

type Reply = Record<string, unknown> & { id?: string; error?: { code: string; message: string } };

/** A WebSocket to the event stream whose replies are read one at a time. */
class EventStream {
  private replies: Reply[] = [];
  private waiting?: () => void;

  private constructor(private readonly socket: WsClient) {
    socket.on('message', (data) => {
      this.replies.push(JSON.parse(data.toString('utf8')) as Reply);
      this.waiting?.();
    });
  }

  static open(url: string): Promise<EventStream> {
    const socket = new WebSocket(url);
    return new Promise((resolve, reject) => {
      socket.on('open', () => resolve(new EventStream(socket)));
      socket.on('error', reject);
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async reply(timeoutMs = 5000): Promise<Reply> {
    const deadline = Date.now() + timeoutMs;
    while (!this.replies.length) {
      if (Date.now() > deadline) throw new Error('no reply on the event stream');
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.replies.shift()!;
  }

  get open(): boolean {
    return this.socket.readyState === 1;
  }

  close(): void {
    this.socket.close();
  }
}

interface Recommendations {
  recommendationId: string;
  recipe: string;
  fallback: boolean;
  items: { itemId: string; score: number }[];
}

describe('real time, over a real socket', () => {
  let server: RunningServer;
  let dir: string;
  let ws: string;

  const call = async (method: string, path: string, body?: unknown, key = SECRET) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const recommend = async (query: string) => {
    const res = await call('GET', `/v1/recommendations?${query}`, undefined, PUBLIC);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as unknown as Recommendations;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gu-e2e-'));
    const config = loadConfig(
      {
        store: `sqlite:${dir}`,
        host: '127.0.0.1',
        port: 0,
        publicKey: PUBLIC,
        secretKey: SECRET,
        secret: 'e2e-secret',
        retrainHours: 0,
        rateLimitPerMinute: 0,
        deadlineMs: 2000,
        logLevel: 'silent',
      },
      {},
    );
    server = await startServer(config);
    ws = `${server.url.replace(/^http/, 'ws')}/v1/events/stream`;
    assert.equal((await call('PUT', '/v1/items', shopItems())).status, 200);
    for (const batch of batches(shopEvents(), 500)) {
      const res = await call('POST', '/v1/events', batch, PUBLIC);
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    const job = await call('POST', '/v1/admin/training', { promote: 'always' });
    assert.equal(job.status, 202, JSON.stringify(job.body));
    for (const deadline = Date.now() + 60_000; ;) {
      const polled = await call('GET', `/v1/admin/training/${job.body.id}`);
      if (polled.body.status === 'succeeded') break;
      assert.notEqual(polled.body.status, 'failed', JSON.stringify(polled.body));
      assert.ok(Date.now() < deadline, 'training took too long');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("changes a shopper's recommendations as soon as their events are acknowledged", async () => {
    const userId = 'u-001';
    const shirts = CATEGORIES[0].name;
    const shoes = CATEGORIES[1].name;
    const before = await recommend(`userId=${userId}&n=5`);
    assert.equal(before.recipe, 'user-personalization');
    assert.ok(
      before.items.slice(0, 3).every((i) => categoryOf(i.itemId) === shirts),
      `a shopper of shirts is shown shirts: ${before.items.map((i) => i.itemId)}`,
    );

    const stream = await EventStream.open(`${ws}?key=${PUBLIC}`);
    try {
      const now = Date.now();
      const events = itemIdsOf(CATEGORIES[1])
        .slice(0, 6)
        .flatMap((itemId, i) =>
          [0, 1].map((k) => ({
            eventId: `e2e-${userId}-${i}-${k}`,
            eventType: 'view',
            userId,
            itemId,
            timestamp: now - 60_000 + i * 2000 + k * 1000,
          })),
        );
      stream.send({ id: 'msg-1', events });
      const ack = await stream.reply();
      assert.deepEqual(ack, { id: 'msg-1', accepted: events.length, duplicates: 0, rejected: [] });

      // Acknowledged means appended to the durable log.
      const logged = new Set((await server.gu.stores.log.read(0, 100_000)).map((e) => e.eventId));
      assert.ok(events.every((e) => logged.has(e.eventId)));

      let after: Recommendations | undefined;
      for (const deadline = Date.now() + 2000; Date.now() < deadline;) {
        after = await recommend(`userId=${userId}&n=5`);
        if (after.items.slice(0, 3).every((i) => categoryOf(i.itemId) === shoes)) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      assert.ok(
        after!.items.slice(0, 3).every((i) => categoryOf(i.itemId) === shoes),
        `after looking at shoes, shoes come first: ${after!.items.map((i) => i.itemId)}`,
      );
      assert.equal(after!.fallback, false);
      assert.notEqual(after!.recommendationId, before.recommendationId);
      const seen = new Set(events.map((e) => e.itemId));
      assert.ok(!after!.items.some((i) => seen.has(i.itemId)), 'what was just seen is not shown again');

      // Resending the same message is acknowledged again, and changes nothing.
      stream.send({ id: 'msg-1-again', events });
      assert.deepEqual(await stream.reply(), {
        id: 'msg-1-again',
        accepted: events.length,
        duplicates: events.length,
        rejected: [],
      });
    } finally {
      stream.close();
    }
  });

  it('answers malformed messages with coded errors and keeps the socket open', async () => {
    const stream = await EventStream.open(`${ws}?key=${PUBLIC}`);
    try {
      stream.send('{"id": "broken", "events": [');
      const notJson = await stream.reply();
      assert.equal(notJson.error?.code, 'INVALID_REQUEST');
      assert.match(notJson.error!.message, /JSON/);

      stream.send({ id: 'empty', events: [] });
      assert.deepEqual(
        { id: (await stream.reply()).id },
        { id: 'empty' },
        'an error reply carries the message id',
      );
      stream.send({ id: 'shape', events: 'nope' });
      const shape = await stream.reply();
      assert.equal(shape.id, 'shape');
      assert.equal(shape.error?.code, 'INVALID_REQUEST');

      const tooMany = Array.from({ length: 501 }, (_, i) => ({
        eventId: `many-${i}`,
        eventType: 'view',
        sessionId: 's-many',
        itemId: 'ao-01',
        timestamp: Date.now(),
      }));
      stream.send({ id: 'big', events: tooMany });
      const big = await stream.reply();
      assert.equal(big.id, 'big');
      assert.equal(big.error?.code, 'PAYLOAD_TOO_LARGE');

      stream.send({ id: 'invalid', events: [{ eventId: 'x', eventType: 'view' }] });
      const invalid = await stream.reply();
      assert.equal(invalid.id, 'invalid');
      assert.equal(invalid.accepted, 0);
      assert.equal((invalid.rejected as unknown[]).length, 1);

      assert.ok(stream.open, 'the socket stays open');
      stream.send([
        { eventId: 'ws-ok-1', eventType: 'view', sessionId: 's-ws', itemId: 'bep-01', timestamp: Date.now() },
      ]);
      assert.deepEqual(await stream.reply(), { accepted: 1, duplicates: 0, rejected: [] });
    } finally {
      stream.close();
    }
  });

  it('needs a key to open the stream', async () => {
    await assert.rejects(EventStream.open(ws), /401/);
    await assert.rejects(EventStream.open(`${ws}?key=pk_wrong`), /401/);
    const admin = await EventStream.open(`${ws}?key=${SECRET}`);
    admin.close();
  });
});
