import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Gu, LoggedEvent } from '@gu/core';
import { loadConfig, type ServerConfig } from './config.js';
import { createServer } from './server.js';
import { batches, categoryOf, shopEvents, shopItems, type ItemPayload } from './testing/shop.js';
import { appOver } from './testing/memory-app.js';
import { waitFor } from './testing/wait-for.js';

const PUBLIC = 'pk_test_public_key';
const SECRET = 'sk_test_secret_key';

/** A server over memory stores with fixed keys; the environment of the test run is ignored. */
async function open(overrides: Partial<ServerConfig> = {}) {
  const config = loadConfig(
    {
      store: 'memory:',
      publicKey: PUBLIC,
      secretKey: SECRET,
      secret: 'test-secret',
      retrainHours: 0,
      rateLimitPerMinute: 0,
      deadlineMs: 2000,
      logLevel: 'silent',
      ...overrides,
    },
    {},
  );
  return createServer(config);
}

interface Call {
  /** The API key; the secret key unless given, none with null. */
  key?: string | null;
  body?: unknown;
  /** A raw body, sent as is. */
  raw?: string;
  headers?: Record<string, string>;
}

function request(app: FastifyInstance, method: string, url: string, o: Call = {}) {
  const key = o.key === undefined ? SECRET : o.key;
  return app.inject({
    method: method as 'GET',
    url,
    headers: {
      ...(key === null ? {} : { 'x-api-key': key }),
      ...(o.raw !== undefined ? { 'content-type': 'application/json' } : {}),
      ...o.headers,
    },
    ...(o.body !== undefined ? { payload: o.body as object } : {}),
    ...(o.raw !== undefined ? { payload: o.raw } : {}),
  });
}

/** A coded JSON error: `{ error: { code, message } }` with the given status. */
function assertError(
  res: { statusCode: number; body: string; json(): unknown },
  status: number,
  code: string,
) {
  assert.equal(res.statusCode, status, `expected ${status} ${code}, got ${res.statusCode}: ${res.body}`);
  const body = res.json() as { error?: { code?: unknown; message?: unknown } };
  assert.equal(body.error?.code, code);
  assert.equal(typeof body.error?.message, 'string');
  assert.ok((body.error?.message as string).length > 0, 'the error has a message');
  return body.error as { code: string; message: string; details?: unknown };
}

const view = (eventId: string, userId: string, itemId: string, timestamp: number | string = Date.now()) => ({
  eventId,
  eventType: 'view',
  userId,
  itemId,
  timestamp,
});

async function readLog(gu: Gu): Promise<LoggedEvent[]> {
  const out: LoggedEvent[] = [];
  for (let after = 0; ;) {
    const batch = await gu.stores.log.read(after, 1000);
    if (!batch.length) return out;
    out.push(...batch);
    after = batch[batch.length - 1].offset;
  }
}

interface Job {
  id: string;
  status: string;
  report?: { promoted: string[]; versions: { id: string; recipe: string }[] };
  error?: unknown;
}

async function train(app: FastifyInstance, body?: unknown): Promise<Job> {
  const started = await request(app, 'POST', '/v1/admin/training', body === undefined ? {} : { body });
  assert.equal(started.statusCode, 202, started.body);
  const job = started.json() as Job;
  assert.equal(job.status, 'running');
  return waitFor('the training job', async () => {
    const res = await request(app, 'GET', `/v1/admin/training/${job.id}`);
    assert.equal(res.statusCode, 200);
    const polled = res.json() as Job;
    if (polled.status === 'failed') assert.fail(`training failed: ${JSON.stringify(polled.error)}`);
    return polled.status === 'succeeded' ? polled : undefined;
  });
}

interface Recommendations {
  recommendationId: string;
  placement: string;
  recipe: string;
  modelVersion: string | null;
  variant: string;
  fallback: boolean;
  tookMs: number;
  items: { itemId: string; score: number; reason?: { type: string; itemId?: string } }[];
}

describe('the HTTP API', () => {
  let app: FastifyInstance;
  let gu: Gu;
  const items = shopItems();
  const priceOf = new Map(items.map((i) => [i.itemId, i.price]));

  const recommend = async (query: string, key: string | null = PUBLIC) => {
    const res = await request(app, 'GET', `/v1/recommendations?${query}`, { key });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as Recommendations;
  };

  before(async () => {
    ({ app, gu } = await open());
  });
  after(async () => {
    await app.close();
  });

  describe('open routes', () => {
    it('answers /healthz without a key', async () => {
      const res = await request(app, 'GET', '/healthz', { key: null });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { ok: true });
    });

    it('serves an OpenAPI document listing the v1 paths at /docs/json, without a key', async () => {
      const res = await request(app, 'GET', '/docs/json', { key: null });
      assert.equal(res.statusCode, 200, res.body);
      const doc = res.json() as { openapi: string; paths: Record<string, unknown> };
      assert.match(doc.openapi, /^3\./);
      for (const path of [
        '/v1/events',
        '/v1/events/stream',
        '/v1/recommendations',
        '/v1/items/{itemId}/similar',
        '/v1/items/{itemId}/bought-together',
        '/v1/popular',
        '/v1/trending',
        '/v1/rank',
        '/v1/items',
        '/v1/items/{itemId}',
        '/v1/users',
        '/v1/users/{userId}',
        '/v1/admin/models',
        '/v1/admin/models/{id}/promote',
        '/v1/admin/recipes/{recipe}/rollback',
        '/v1/admin/training',
        '/v1/admin/filters/{name}',
        '/healthz',
        '/readyz',
        '/metrics',
      ])
        assert.ok(doc.paths[path], `the OpenAPI document lists ${path}`);
      // The operators' routes say they need no key, where the document's default asks for one.
      type Operation = { security?: unknown[]; responses: Record<string, unknown> };
      const get = (path: string) => (doc.paths[path] as { get: Operation }).get;
      for (const path of ['/healthz', '/readyz', '/metrics']) assert.deepEqual(get(path).security, []);
      assert.ok(get('/readyz').responses['503'], 'readiness documents its NOT_READY');
      // Written by hand (the WebSocket plugin hides it): it names what a plain GET and a missing key get.
      const stream = doc.paths['/v1/events/stream'] as { get: { responses: Record<string, unknown> } };
      assert.deepEqual(Object.keys(stream.get.responses), ['101', '400', '401']);
      const ui = await request(app, 'GET', '/docs', { key: null });
      assert.ok(ui.statusCode < 400, `/docs answers ${ui.statusCode}`);
    });

    it('answers an unknown route with a coded 404, whatever key comes with it', async () => {
      for (const key of [SECRET, PUBLIC, null, 'pk_nope']) {
        assertError(await request(app, 'GET', '/v1/nothing-here', { key }), 404, 'NOT_FOUND');
        assertError(await request(app, 'POST', '/v1/evnts', { key, body: {} }), 404, 'NOT_FOUND');
      }
    });
  });

  describe('auth', () => {
    it('needs a known key', async () => {
      assertError(await request(app, 'GET', '/v1/popular', { key: null }), 401, 'UNAUTHORIZED');
      assertError(await request(app, 'GET', '/v1/popular', { key: 'pk_nope' }), 401, 'UNAUTHORIZED');
      assertError(
        await request(app, 'POST', '/v1/events', { key: null, body: [view('a1', 'u', 'ao-01')] }),
        401,
        'UNAUTHORIZED',
      );
      assertError(await request(app, 'GET', '/v1/admin/models', { key: null }), 401, 'UNAUTHORIZED');
    });

    it('takes the key from x-api-key, Authorization: Bearer or ?key=', async () => {
      assert.equal((await request(app, 'GET', '/v1/popular', { key: PUBLIC })).statusCode, 200);
      const bearer = await request(app, 'GET', '/v1/popular', {
        key: null,
        headers: { authorization: `Bearer ${PUBLIC}` },
      });
      assert.equal(bearer.statusCode, 200);
      assert.equal((await request(app, 'GET', `/v1/popular?key=${PUBLIC}`, { key: null })).statusCode, 200);
    });

    it('keeps the public key out of admin routes and catalog writes', async () => {
      const forbidden: [string, string, unknown?][] = [
        ['GET', '/v1/admin/models'],
        ['GET', '/v1/admin/status'],
        ['POST', '/v1/admin/training', {}],
        ['POST', '/v1/admin/recipes/popular/rollback'],
        ['PUT', '/v1/admin/filters/cheap', { include: [] }],
        ['PUT', '/v1/items', [items[0]]],
        ['DELETE', '/v1/items/ao-01'],
        ['PUT', '/v1/users', [{ userId: 'u-001' }]],
        ['DELETE', '/v1/users/u-001'],
      ];
      for (const [method, url, body] of forbidden)
        assertError(await request(app, method, url, { key: PUBLIC, body }), 403, 'FORBIDDEN');
    });

    it('lets the secret key do everything the public key does', async () => {
      assert.equal((await request(app, 'GET', '/v1/popular', { key: SECRET })).statusCode, 200);
      assert.equal((await request(app, 'GET', '/v1/recommendations', { key: SECRET })).statusCode, 200);
      const res = await request(app, 'POST', '/v1/events', { body: [view('auth-1', 'u-auth', 'ao-01')] });
      assert.equal(res.statusCode, 200, res.body);
    });
  });

  describe('catalog and users', () => {
    it('upserts items in a batch, rejecting invalid ones one by one', async () => {
      const res = await request(app, 'PUT', '/v1/items', {
        body: { items: [...items, { itemId: 'bad-price', title: 'x', price: -1 }] },
      });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as { upserted: number; rejected: { index: number; id: string }[] };
      assert.equal(body.upserted, items.length);
      assert.equal(body.rejected.length, 1);
      assert.equal(body.rejected[0].index, items.length);
      assert.equal(body.rejected[0].id, 'bad-price');
      assert.equal(gu.catalog.size, items.length);
    });

    it('refuses a batch with no valid item, an empty batch and a body that is not a batch', async () => {
      assertError(
        await request(app, 'PUT', '/v1/items', { body: [{ title: 'no id' }] }),
        400,
        'INVALID_REQUEST',
      );
      assertError(await request(app, 'PUT', '/v1/items', { body: [] }), 400, 'INVALID_REQUEST');
      assertError(await request(app, 'PUT', '/v1/items', { body: { nope: 1 } }), 400, 'INVALID_REQUEST');
    });

    it('reads one item with the public key', async () => {
      const res = await request(app, 'GET', '/v1/items/giay-03', { key: PUBLIC });
      assert.equal(res.statusCode, 200);
      const item = res.json() as ItemPayload;
      assert.equal(item.itemId, 'giay-03');
      assert.equal(item.currency, 'VND');
      assert.deepEqual(item.categories, ['thoi-trang', 'giay-dep']);
      assert.equal(item.price, priceOf.get('giay-03'));
      assertError(await request(app, 'GET', '/v1/items/nope', { key: PUBLIC }), 404, 'UNKNOWN_ITEM');
    });

    it('browses by category and searches titles and brands', async () => {
      const shoes = (
        await request(app, 'GET', '/v1/items?category=giay-dep&limit=100', { key: PUBLIC })
      ).json() as {
        total: number;
        items: ItemPayload[];
      };
      assert.equal(shoes.total, 14);
      assert.ok(shoes.items.every((i) => categoryOf(i.itemId) === 'giay-dep'));
      const root = (
        await request(app, 'GET', '/v1/items?category=thoi-trang&limit=5', { key: PUBLIC })
      ).json() as {
        total: number;
        items: ItemPayload[];
      };
      assert.equal(root.total, 28, 'a root category holds its children');
      assert.equal(root.items.length, 5);
      const res = await request(app, 'GET', '/v1/items?category=giay-dep&q=ananas', { key: PUBLIC });
      const found = res.json() as { total: number; items: ItemPayload[] };
      assert.ok(found.total > 0 && found.total < 14);
      assert.ok(found.items.every((i) => i.brand === 'Ananas' && categoryOf(i.itemId) === 'giay-dep'));
      assertError(await request(app, 'GET', '/v1/items?limit=0', { key: PUBLIC }), 400, 'INVALID_REQUEST');
      assertError(await request(app, 'GET', '/v1/items?color=red', { key: PUBLIC }), 400, 'INVALID_REQUEST');
    });

    it('lists the category tree with the available items under each category', async () => {
      const res = await request(app, 'GET', '/v1/categories', { key: PUBLIC });
      assert.equal(res.statusCode, 200);
      const { categories } = res.json() as {
        categories: { name: string; count: number; children: unknown[] }[];
      };
      const fashion = categories.find((c) => c.name === 'thoi-trang')!;
      assert.equal(fashion.count, 28);
      assert.deepEqual(
        fashion.children.find((c) => (c as { name: string }).name === 'giay-dep'),
        { name: 'giay-dep', count: 14, children: [] },
      );
      assert.ok(
        categories.every((c, i) => i === 0 || categories[i - 1].count >= c.count),
        'largest first',
      );
    });

    it('looks items up by id in one request, in the given order, skipping unknown ids', async () => {
      const res = await request(app, 'GET', '/v1/items?ids=giay-03,nope,giay-01', { key: PUBLIC });
      const found = res.json() as { total: number; items: ItemPayload[] };
      assert.deepEqual(
        found.items.map((i) => i.itemId),
        ['giay-03', 'giay-01'],
      );
      const many = Array.from({ length: 101 }, (_, i) => `x${i}`).join(',');
      assertError(
        await request(app, 'GET', `/v1/items?ids=${many}`, { key: PUBLIC }),
        400,
        'INVALID_REQUEST',
      );
    });

    it('upserts users, refusing invalid ones', async () => {
      const res = await request(app, 'PUT', '/v1/users', {
        body: [
          {
            userId: 'u-001',
            attributes: { segment: 'vip', locale: 'vi-VN' },
            personal: { email: 'lan@example.vn' },
          },
          { userId: 'u-002', personal: { email: 'not an email' } },
        ],
      });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as { upserted: number; rejected: { index: number; id: string }[] };
      assert.equal(body.upserted, 1);
      assert.deepEqual(
        body.rejected.map((r) => [r.index, r.id]),
        [[1, 'u-002']],
      );
      assert.equal((await gu.stores.users.get('u-001'))?.attributes.segment, 'vip');
      assertError(await request(app, 'PUT', '/v1/users', { body: [{ name: 'x' }] }), 400, 'INVALID_REQUEST');
    });
  });

  describe('POST /v1/events', () => {
    it('accepts the valid events of a mixed batch and says why each other one was rejected', async () => {
      const res = await request(app, 'POST', '/v1/events', {
        key: PUBLIC,
        body: [
          view('mix-1', 'u-mix', 'ao-01'),
          { eventId: 'mix-2', userId: 'u-mix', itemId: 'ao-02', timestamp: Date.now() },
          { eventId: 'mix-3', eventType: 'view', userId: 'u-mix', timestamp: Date.now() },
          { eventId: 'mix-4', eventType: 'purchase', itemId: 'ao-03', timestamp: new Date().toISOString() },
          'not an event',
          { ...view('mix-6', 'u-mix', 'ao-04'), timestamp: new Date().toISOString() },
        ],
      });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as {
        accepted: number;
        duplicates: number;
        rejected: { index: number; id?: string; errors: { path: string; message: string }[] }[];
      };
      assert.equal(body.accepted, 2);
      assert.equal(body.duplicates, 0);
      assert.deepEqual(
        body.rejected.map((r) => [r.index, r.id]),
        [
          [1, 'mix-2'],
          [2, 'mix-3'],
          [3, 'mix-4'],
          [4, undefined],
        ],
      );
      const paths = (i: number) => body.rejected[i].errors.map((e) => e.path);
      assert.deepEqual(paths(0), ['eventType']);
      assert.deepEqual(paths(1), ['itemId']);
      assert.deepEqual(paths(2), ['userId']);
      for (const r of body.rejected)
        for (const e of r.errors) assert.ok(e.message.length > 0, 'each reason has a message');
      const logged = (await readLog(gu)).filter((e) => e.userId === 'u-mix').map((e) => e.eventId);
      assert.deepEqual(logged, ['mix-1', 'mix-6'], 'only the valid events reach the log');
    });

    it('answers 400 INVALID_EVENTS with the reasons when no event is valid', async () => {
      const error = assertError(
        await request(app, 'POST', '/v1/events', {
          key: PUBLIC,
          body: { events: [{ eventId: 'x1', eventType: 'teleport' }, {}] },
        }),
        400,
        'INVALID_EVENTS',
      );
      const details = error.details as { index: number }[];
      assert.deepEqual(
        details.map((d) => d.index),
        [0, 1],
      );
    });

    it('refuses an empty batch, a batch of 501, a body that is not JSON or not a batch', async () => {
      assertError(
        await request(app, 'POST', '/v1/events', { key: PUBLIC, body: [] }),
        400,
        'INVALID_REQUEST',
      );
      assertError(
        await request(app, 'POST', '/v1/events', { key: PUBLIC, body: { events: [] } }),
        400,
        'INVALID_REQUEST',
      );
      const many = Array.from({ length: 501 }, (_, i) => view(`big-${i}`, 'u-big', 'ao-01'));
      assertError(
        await request(app, 'POST', '/v1/events', { key: PUBLIC, body: many }),
        413,
        'PAYLOAD_TOO_LARGE',
      );
      assertError(
        await request(app, 'POST', '/v1/events', { key: PUBLIC, raw: '[{"eventId": "x",' }),
        400,
        'INVALID_REQUEST',
      );
      assertError(
        await request(app, 'POST', '/v1/events', { key: PUBLIC, body: { event: view('y', 'u', 'ao-01') } }),
        400,
        'INVALID_REQUEST',
      );
      assert.equal((await readLog(gu)).filter((e) => e.userId === 'u-big').length, 0);
    });

    it('accepts exactly 500 events', async () => {
      const full = Array.from({ length: 500 }, (_, i) => view(`full-${i}`, `u-full-${i % 7}`, 'bep-01'));
      const res = await request(app, 'POST', '/v1/events', { key: PUBLIC, body: full });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((res.json() as { accepted: number }).accepted, 500);
    });

    it('is idempotent on eventId: a resent event is counted as a duplicate and stored once', async () => {
      const first = await request(app, 'POST', '/v1/events', {
        key: PUBLIC,
        body: [view('dup-1', 'u-dup', 'ao-05')],
      });
      assert.deepEqual(first.json(), { accepted: 1, duplicates: 0, rejected: [] });
      const again = await request(app, 'POST', '/v1/events', {
        key: PUBLIC,
        body: [view('dup-1', 'u-dup', 'ao-05'), view('dup-2', 'u-dup', 'ao-06')],
      });
      assert.equal(again.statusCode, 200);
      assert.deepEqual(again.json(), { accepted: 2, duplicates: 1, rejected: [] });
      const logged = (await readLog(gu)).filter((e) => e.userId === 'u-dup').map((e) => e.eventId);
      assert.deepEqual(logged, ['dup-1', 'dup-2']);
    });
  });

  describe('before training', () => {
    it('is not ready while a catalog has no model, and says what it has', async () => {
      const res = await request(app, 'GET', '/readyz', { key: null });
      assertError(res, 503, 'NOT_READY');
      const status = res.json().error.details as { catalog: number; recipes: unknown[] };
      assert.ok(status.catalog > 0 && status.recipes.length === 0, res.body);
    });

    it('still recommends, from the catalog', async () => {
      const answer = await recommend('userId=u-001&n=5');
      assert.equal(answer.items.length, 5);
      assert.equal(answer.modelVersion, null);
    });

    it('has no model to roll back', async () => {
      assertError(await request(app, 'POST', '/v1/admin/recipes/popular/rollback'), 409, 'NO_MODEL');
    });
  });

  describe('training', () => {
    it('ingests the shop history', async () => {
      for (const batch of batches(shopEvents(), 500)) {
        const res = await request(app, 'POST', '/v1/events', { key: PUBLIC, body: batch });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal((res.json() as { rejected: unknown[] }).rejected.length, 0);
      }
    });

    it('runs a job in the background, one at a time, and promotes what it trained', async () => {
      // The job is held at its first read of the lake until the second request has been refused: a small
      // shop trains within one turn of the event loop, before a second request could find it running.
      const { lake } = gu.stores;
      const flush = lake.flush.bind(lake);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      lake.flush = async () => {
        await held;
        return flush();
      };
      const started = await request(app, 'POST', '/v1/admin/training');
      assert.equal(started.statusCode, 202, started.body);
      const job = started.json() as Job;
      try {
        assertError(await request(app, 'POST', '/v1/admin/training', { body: {} }), 409, 'TRAINING_RUNNING');
      } finally {
        lake.flush = flush;
        release();
      }
      const done = await waitFor('the training job', async () => {
        const polled = (await request(app, 'GET', `/v1/admin/training/${job.id}`)).json() as Job;
        if (polled.status === 'failed') assert.fail(JSON.stringify(polled.error));
        return polled.status === 'succeeded' ? polled : undefined;
      });
      const recipes = done.report!.versions.map((v) => v.recipe).sort();
      assert.ok(recipes.includes('user-personalization') && recipes.includes('similar-items'));
      assert.equal(done.report!.promoted.length, done.report!.versions.length);
      const list = (await request(app, 'GET', '/v1/admin/training')).json() as { jobs: Job[] };
      assert.equal(list.jobs[0].id, job.id);
      assertError(await request(app, 'GET', '/v1/admin/training/job-nope'), 404, 'NOT_FOUND');
    });

    it('refuses an invalid training request', async () => {
      assertError(
        await request(app, 'POST', '/v1/admin/training', { body: { recipes: ['magic'] } }),
        400,
        'INVALID_REQUEST',
      );
    });

    it('is ready once models serve', async () => {
      const res = await request(app, 'GET', '/readyz', { key: null });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((res.json() as { ready: boolean }).ready, true);
    });

    it('is not ready while the stream processor fails, and ready again once it passes', async () => {
      const read = gu.stores.log.read;
      gu.stores.log.read = async () => {
        throw new Error('disk I/O error');
      };
      try {
        await gu.processor.wake();
        const res = await request(app, 'GET', '/readyz', { key: null });
        assertError(res, 503, 'NOT_READY');
        assert.match(res.json().error.message, /stream processor is failing: disk I\/O error/);
      } finally {
        gu.stores.log.read = read;
      }
      await gu.processor.wake();
      assert.equal((await request(app, 'GET', '/readyz', { key: null })).statusCode, 200);
    });
  });

  describe('GET /v1/recommendations', () => {
    it('answers each placement with items, recipe, model version and a recommendation id', async () => {
      const queries: Record<string, string> = {
        home: 'userId=u-001&placement=home&n=5',
        pdp: 'userId=u-001&placement=pdp&itemId=ao-02&n=5',
        cart: 'userId=u-001&placement=cart&itemId=ao-02&n=5',
      };
      for (const [placement, query] of Object.entries(queries)) {
        const answer = await recommend(query);
        assert.equal(answer.placement, placement);
        assert.equal(answer.items.length, 5, `${placement} gives 5 items`);
        assert.equal(typeof answer.recipe, 'string');
        assert.ok(answer.modelVersion?.startsWith(answer.recipe), `${placement}: ${answer.modelVersion}`);
        assert.match(answer.recommendationId, new RegExp(`^${placement}\\.[0-9a-f-]{36}$`));
        assert.equal(answer.fallback, false);
        assert.equal(typeof answer.tookMs, 'number');
        assert.ok(answer.items.every((i) => typeof i.score === 'number' && i.reason === undefined));
        if (placement === 'pdp') assert.ok(!answer.items.some((i) => i.itemId === 'ao-02'));
      }
    });

    it("follows the shopper's taste", async () => {
      for (const [userId, taste] of [
        ['u-001', 'ao-thun'],
        ['u-002', 'giay-dep'],
        ['u-003', 'do-bep'],
      ]) {
        const answer = await recommend(`userId=${userId}&n=5`);
        assert.equal(answer.recipe, 'user-personalization');
        const hits = answer.items.filter((i) => categoryOf(i.itemId) === taste).length;
        assert.ok(hits >= 4, `${userId} likes ${taste}: ${answer.items.map((i) => i.itemId)}`);
      }
    });

    it('explains with reasons that name items', async () => {
      const answer = await recommend('userId=u-002&n=5&explain=true');
      assert.ok(answer.items.every((i) => typeof i.reason?.type === 'string'));
      assert.ok(
        answer.items.some((i) => typeof i.reason?.itemId === 'string'),
        JSON.stringify(answer.items),
      );
      const similar = await recommend('userId=u-002&placement=pdp&itemId=giay-01&n=5&explain=true');
      assert.ok(similar.items.some((i) => i.reason?.itemId !== undefined));
    });

    it('answers a hot key from a prepared list or the cache, with its own recommendation id each time', async () => {
      type Status = { cache: { hits: number }; homeLists: { hits: number } };
      const status = async () => (await request(app, 'GET', '/v1/admin/status')).json() as Status;
      const before = await status();
      const a = await recommend('userId=u-003&n=5');
      const b = await recommend('userId=u-003&n=5');
      assert.notEqual(a.recommendationId, b.recommendationId);
      assert.deepEqual(a.items, b.items);
      assert.ok((await status()).homeLists.hits > before.homeLists.hits, 'home: from the prepared list');
      const pdp = `userId=u-003&n=5&placement=pdp&itemId=${a.items[0].itemId}`;
      // The cache keeps a question from its third time: the fourth is answered from it.
      const c = await recommend(pdp);
      await recommend(pdp);
      await recommend(pdp);
      const d = await recommend(pdp);
      assert.notEqual(c.recommendationId, d.recommendationId);
      assert.deepEqual(c.items, d.items);
      assert.ok((await status()).cache.hits > before.cache.hits, 'pdp: from the cache');
    });

    it('answers anonymous shoppers with what is popular', async () => {
      const answer = await recommend('n=5');
      assert.equal(answer.items.length, 5);
      assert.equal(answer.recipe, 'popular');
    });

    it('refuses invalid queries', async () => {
      for (const query of [
        'n=0',
        'n=101',
        'n=ten',
        'placement=checkout',
        'userId=u-001&colour=red',
        'userId=',
        'explain=maybe',
      ])
        assertError(
          await request(app, 'GET', `/v1/recommendations?${query}`, { key: PUBLIC }),
          400,
          'INVALID_REQUEST',
        );
      const unknown = assertError(
        await request(app, 'GET', '/v1/recommendations?userId=u-001&colour=red', { key: PUBLIC }),
        400,
        'INVALID_REQUEST',
      );
      assert.match(unknown.message, /colour/, 'the unknown parameter is named');
      const pdp = assertError(
        await request(app, 'GET', '/v1/recommendations?placement=pdp&userId=u-001', { key: PUBLIC }),
        400,
        'INVALID_REQUEST',
      );
      assert.match(pdp.message, /itemId/);
      assert.equal((await recommend('n=100')).items.length, items.length);
    });

    it('applies a named filter with a per-request parameter', async () => {
      const put = await request(app, 'PUT', '/v1/admin/filters/budget', {
        body: {
          description: 'at most the given price',
          include: [{ field: 'price', op: 'lte', value: '$maxPrice' }],
        },
      });
      assert.equal(put.statusCode, 200, put.body);
      assert.equal((put.json() as { name: string }).name, 'budget');
      const listed = (await request(app, 'GET', '/v1/admin/filters')).json() as {
        filters: { name: string }[];
      };
      assert.deepEqual(
        listed.filters.map((f) => f.name),
        ['budget'],
      );
      const maxPrice = 600_000;
      const values = encodeURIComponent(JSON.stringify({ maxPrice }));
      // u-002 likes shoes, most of which cost more than the bound.
      for (const query of [
        `userId=u-002&n=10&filter=budget&filterValues=${values}`,
        `userId=u-002&placement=pdp&itemId=giay-10&n=10&filter=budget&filterValues=${values}`,
        `n=10&filter=budget&filterValues=${values}`,
      ]) {
        const answer = await recommend(query);
        assert.ok(answer.items.length > 0, query);
        for (const item of answer.items)
          assert.ok(
            priceOf.get(item.itemId)! <= maxPrice,
            `${item.itemId} costs ${priceOf.get(item.itemId)}`,
          );
      }
      const unfiltered = await recommend('userId=u-002&n=10');
      assert.ok(
        unfiltered.items.some((i) => priceOf.get(i.itemId)! > maxPrice),
        'the filter made a difference',
      );
    });

    it('refuses a filter without its values, an unknown filter and values that are not a JSON object', async () => {
      assertError(
        await request(app, 'GET', '/v1/recommendations?userId=u-002&filter=budget', { key: PUBLIC }),
        400,
        'FILTER_VALUES_MISSING',
      );
      assertError(
        await request(app, 'GET', '/v1/recommendations?userId=u-002&filter=budget&filterValues=%7B%7D', {
          key: PUBLIC,
        }),
        400,
        'FILTER_VALUES_MISSING',
      );
      assertError(
        await request(app, 'GET', '/v1/recommendations?filter=nope&filterValues=%7B%7D', { key: PUBLIC }),
        404,
        'UNKNOWN_FILTER',
      );
      for (const bad of ['{maxPrice:1}', '[1]', '42', 'null'])
        assertError(
          await request(
            app,
            'GET',
            `/v1/recommendations?filter=budget&filterValues=${encodeURIComponent(bad)}`,
            { key: PUBLIC },
          ),
          400,
          'INVALID_REQUEST',
        );
    });

    it('manages filters: invalid definitions are refused, deleted ones are gone', async () => {
      assertError(
        await request(app, 'PUT', '/v1/admin/filters/weird', {
          body: { include: [{ field: 'colour', op: 'eq', value: 'red' }] },
        }),
        400,
        'INVALID_FILTER',
      );
      assertError(
        await request(app, 'PUT', '/v1/admin/filters/weird', {
          body: { include: [{ field: 'price', op: 'about', value: 1 }] },
        }),
        400,
        'INVALID_REQUEST',
      );
      assertError(
        await request(app, 'PUT', '/v1/admin/filters/bad%20name', { body: { include: [] } }),
        400,
        'INVALID_FILTER',
      );
      const put = await request(app, 'PUT', '/v1/admin/filters/no-sale', {
        body: { exclude: [{ field: 'attributes.sale', op: 'eq', value: true }] },
      });
      assert.equal(put.statusCode, 200, put.body);
      const answer = await recommend('userId=u-001&n=20&filter=no-sale');
      const sale = new Map(items.map((i) => [i.itemId, i.attributes.sale]));
      assert.ok(answer.items.length > 0 && answer.items.every((i) => sale.get(i.itemId) === false));
      assert.equal((await request(app, 'DELETE', '/v1/admin/filters/no-sale')).statusCode, 204);
      assertError(await request(app, 'DELETE', '/v1/admin/filters/no-sale'), 404, 'UNKNOWN_FILTER');
      assertError(
        await request(app, 'GET', '/v1/recommendations?filter=no-sale', { key: PUBLIC }),
        404,
        'UNKNOWN_FILTER',
      );
    });
  });

  describe('item lists and ranking', () => {
    const list = async (url: string) => {
      const res = await request(app, 'GET', url, { key: PUBLIC });
      assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
      return (res.json() as { items: Recommendations['items'] }).items;
    };

    it('finds similar items and items bought together', async () => {
      const similar = await list('/v1/items/giay-02/similar?n=5');
      assert.equal(similar.length, 5);
      assert.ok(!similar.some((i) => i.itemId === 'giay-02'));
      assert.ok(
        similar.filter((i) => categoryOf(i.itemId) === 'giay-dep').length >= 4,
        JSON.stringify(similar),
      );
      const together = await list('/v1/items/giay-02/bought-together?n=3');
      assert.ok(together.length > 0 && together.length <= 3);
      assert.ok(!together.some((i) => i.itemId === 'giay-02'));
      assertError(await request(app, 'GET', '/v1/items/nope/similar', { key: PUBLIC }), 404, 'UNKNOWN_ITEM');
      assertError(
        await request(app, 'GET', '/v1/items/nope/bought-together', { key: PUBLIC }),
        404,
        'UNKNOWN_ITEM',
      );
      assertError(
        await request(app, 'GET', '/v1/items/giay-02/similar?n=0', { key: PUBLIC }),
        400,
        'INVALID_REQUEST',
      );
    });

    it('lists what is popular, by category, and what is trending', async () => {
      const popular = await list('/v1/popular?n=10');
      assert.equal(popular.length, 10);
      const shoes = await list('/v1/popular?n=5&category=giay-dep');
      assert.equal(shoes.length, 5);
      assert.ok(
        shoes.every((i) => categoryOf(i.itemId) === 'giay-dep'),
        JSON.stringify(shoes),
      );
      const trending = await list('/v1/trending?n=5');
      assert.ok(trending.length > 0);
      assertError(await request(app, 'GET', '/v1/popular?n=500', { key: PUBLIC }), 400, 'INVALID_REQUEST');
    });

    it("re-ranks the caller's items for a shopper, unknown ones last", async () => {
      const itemIds = ['ao-01', 'unknown-1', 'bep-02', 'giay-04', 'ao-05', 'giay-01'];
      const res = await request(app, 'POST', '/v1/rank', { key: PUBLIC, body: { userId: 'u-002', itemIds } });
      assert.equal(res.statusCode, 200, res.body);
      const ranked = (res.json() as { items: { itemId: string; score: number }[] }).items.map(
        (i) => i.itemId,
      );
      assert.deepEqual([...ranked].sort(), [...itemIds].sort(), 'every given item comes back once');
      assert.equal(ranked.at(-1), 'unknown-1');
      assert.deepEqual(ranked.slice(0, 2).map(categoryOf), ['giay-dep', 'giay-dep'], ranked.join());
      assertError(
        await request(app, 'POST', '/v1/rank', { key: PUBLIC, body: { itemIds } }),
        400,
        'INVALID_REQUEST',
      );
      assertError(
        await request(app, 'POST', '/v1/rank', { key: PUBLIC, body: { userId: 'u-002', itemIds: [] } }),
        400,
        'INVALID_REQUEST',
      );
    });
  });

  describe('models', () => {
    const serving = async (recipe: string) =>
      ((await request(app, 'GET', '/v1/admin/models')).json() as { serving: Record<string, string> }).serving[
        recipe
      ];

    it('lists versions with the serving one per recipe', async () => {
      const res = await request(app, 'GET', '/v1/admin/models');
      assert.equal(res.statusCode, 200);
      const body = res.json() as {
        serving: Record<string, string>;
        versions: { id: string; recipe: string; serving: boolean; metrics: Record<string, number> }[];
      };
      for (const recipe of ['popular', 'similar-items', 'user-personalization'])
        assert.ok(
          body.versions.some((v) => v.recipe === recipe && v.serving && v.id === body.serving[recipe]),
        );
      const one = (await request(app, 'GET', '/v1/admin/models?recipe=popular')).json() as typeof body;
      assert.ok(one.versions.length > 0 && one.versions.every((v) => v.recipe === 'popular'));
      assertError(await request(app, 'GET', '/v1/admin/models?recipe=magic'), 400, 'INVALID_REQUEST');
    });

    it('refuses a rollback with no previous version', async () => {
      assertError(
        await request(app, 'POST', '/v1/admin/recipes/user-personalization/rollback'),
        409,
        'NO_PREVIOUS_MODEL',
      );
      assertError(await request(app, 'POST', '/v1/admin/recipes/magic/rollback'), 400, 'INVALID_REQUEST');
    });

    it('promotes and rolls back, and serving follows', async () => {
      const first = await serving('user-personalization');
      const job = await train(app, { recipes: ['user-personalization'], promote: 'never' });
      const [second] = job.report!.versions.map((v) => v.id);
      assert.notEqual(second, first);
      assert.equal(await serving('user-personalization'), first, 'promote: never keeps serving');

      // Shoppers keep asking while the versions swap: no request fails or falls back (the swap is atomic).
      let swapping = true;
      const versions = new Set<string | null>();
      const failures: string[] = [];
      const shoppers = ['u-001', 'u-002', 'u-003'].map(async (userId) => {
        while (swapping) {
          const res = await request(app, 'GET', `/v1/recommendations?userId=${userId}&n=5`, { key: PUBLIC });
          const answer = res.json() as Recommendations;
          if (res.statusCode !== 200 || answer.fallback || answer.items.length !== 5) failures.push(res.body);
          versions.add(answer.modelVersion);
          await new Promise((r) => setImmediate(r));
        }
      });
      const promoted = await request(app, 'POST', `/v1/admin/models/${second}/promote`);
      assert.equal(promoted.statusCode, 200, promoted.body);
      assert.equal((promoted.json() as { serving: { id: string } }).serving.id, second);
      assert.equal(await serving('user-personalization'), second);
      assert.equal((await recommend('userId=u-001&n=5')).modelVersion, second);

      const rolled = await request(app, 'POST', '/v1/admin/recipes/user-personalization/rollback');
      assert.equal(rolled.statusCode, 200, rolled.body);
      assert.equal((rolled.json() as { serving: { id: string } }).serving.id, first);
      assert.equal(await serving('user-personalization'), first);
      assert.equal((await recommend('userId=u-001&n=5')).modelVersion, first);
      swapping = false;
      await Promise.all(shoppers);
      assert.deepEqual(failures, []);
      assert.ok(
        [...versions].every((v) => v === first || v === second),
        [...versions].join(),
      );
      assertError(
        await request(app, 'POST', '/v1/admin/recipes/user-personalization/rollback'),
        409,
        'NO_PREVIOUS_MODEL',
      );
      assertError(await request(app, 'POST', '/v1/admin/models/popular-nope/promote'), 404, 'UNKNOWN_MODEL');
    });
  });

  describe('back office', () => {
    it('reports data quality and status', async () => {
      const quality = (await request(app, 'GET', '/v1/admin/data-quality')).json() as {
        reports: { at: string; report: { validShare: number; passes: boolean } }[];
      };
      assert.ok(quality.reports.length >= 2);
      assert.ok(quality.reports.every((r) => r.report.passes && r.report.validShare >= 0.95));
      const status = (await request(app, 'GET', '/v1/admin/status')).json() as {
        recipes: string[];
        lag: number;
        catalog: number;
        training: boolean;
      };
      assert.ok(status.recipes.includes('user-personalization'));
      assert.equal(status.catalog, items.length);
      assert.equal(status.training, false);
    });
  });

  describe('deleting an item', () => {
    it('marks it unavailable and never recommends it again', async () => {
      const target = 'giay-01';
      const before = await recommend('n=10');
      assert.ok(
        before.items.some((i) => i.itemId === target),
        'the best seller is recommended before',
      );
      const res = await request(app, 'DELETE', `/v1/items/${target}`);
      assert.equal(res.statusCode, 204);
      assert.equal(res.body, '');
      assert.equal(
        ((await request(app, 'GET', `/v1/items/${target}`)).json() as ItemPayload).available,
        false,
      );
      const listed = (await request(app, 'GET', '/v1/items?category=giay-dep&limit=100')).json() as {
        items: ItemPayload[];
      };
      assert.ok(!listed.items.some((i) => i.itemId === target));

      const answers: { itemId: string }[][] = [];
      for (const userId of ['u-002', 'u-005', 'u-008', 'u-011'])
        for (const placement of ['home', 'pdp', 'cart'])
          answers.push(
            (await recommend(`userId=${userId}&placement=${placement}&itemId=giay-02&n=20`)).items,
          );
      answers.push((await recommend('n=100')).items);
      answers.push((await recommend('n=20&placement=pdp&itemId=giay-03')).items);
      const lists = [
        '/v1/popular?n=100',
        '/v1/popular?n=20&category=giay-dep',
        '/v1/trending?n=100',
        '/v1/items/giay-02/similar?n=20',
        '/v1/items/giay-02/bought-together?n=20',
      ];
      for (const url of lists)
        answers.push((await request(app, 'GET', url, { key: PUBLIC })).json().items as { itemId: string }[]);
      for (const list of answers)
        assert.ok(!list.some((i) => i.itemId === target), `${target} came back: ${JSON.stringify(list)}`);
      assertError(await request(app, 'DELETE', '/v1/items/nope'), 404, 'UNKNOWN_ITEM');
    });
  });

  describe('erasing a user', () => {
    it("removes the user's events from the log, the event store, the lake and the real-time state", async () => {
      const userId = 'u-004';
      const mine = (events: { userId?: string }[]) => events.filter((e) => e.userId === userId).length;
      assert.ok(mine(await readLog(gu)) > 0);
      assert.ok((await gu.stores.events.timeline(`u:${userId}`, 100)).length > 0);
      assert.ok(gu.states.get(`u:${userId}`));
      const res = await request(app, 'DELETE', `/v1/users/${userId}`);
      assert.equal(res.statusCode, 200, res.body);
      assert.ok((res.json() as { events: number }).events > 0);

      assert.equal(mine(await readLog(gu)), 0, 'the log holds none of their events');
      assert.deepEqual(await gu.stores.events.timeline(`u:${userId}`, 100), []);
      const lake: { userId?: string }[] = [];
      for await (const e of gu.stores.lake.scan()) lake.push(e);
      assert.equal(mine(lake), 0, 'the lake holds none of their events');
      assert.ok(lake.length > 0);
      assert.equal(gu.states.get(`u:${userId}`), undefined);
      assert.equal(await gu.stores.users.get(userId), undefined);
      assertError(await request(app, 'DELETE', `/v1/users/${userId}`), 404, 'UNKNOWN_USER');
    });

    it('erases a user known only by a profile', async () => {
      assert.equal(
        (await request(app, 'PUT', '/v1/users', { body: [{ userId: 'u-profile' }] })).statusCode,
        200,
      );
      const res = await request(app, 'DELETE', '/v1/users/u-profile');
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { events: 0 });
      assert.equal(await gu.stores.users.get('u-profile'), undefined);
    });
  });

  describe('metrics', () => {
    it('exposes Prometheus metrics without a key', async () => {
      const res = await request(app, 'GET', '/metrics', { key: null });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^text\/plain/);
      assert.match(res.body, /^gu_events_accepted_total\{channel="rest"\} \d+/m);
      assert.match(
        res.body,
        /^gu_http_request_duration_seconds_bucket\{.*route="\/v1\/recommendations".*\} \d+/m,
      );
      assert.match(res.body, /^gu_recommendations_total\{placement="home",fallback="false"\} \d+/m);
      assert.match(res.body, /^gu_processor_lag_events \d+/m);
    });
  });
});

describe('rate limits', () => {
  let app: FastifyInstance;
  before(async () => {
    ({ app } = await open({ rateLimitPerMinute: 5 }));
  });
  after(async () => {
    await app.close();
  });

  it('throttles the public key past the limit, but never the secret key nor the health checks', async () => {
    for (let i = 0; i < 5; i++)
      assert.equal(
        (await request(app, 'GET', '/v1/popular', { key: PUBLIC })).statusCode,
        200,
        `request ${i + 1}`,
      );
    const error = assertError(await request(app, 'GET', '/v1/popular', { key: PUBLIC }), 429, 'RATE_LIMITED');
    assert.match(error.message, /5 requests per minute/);
    assertError(await request(app, 'GET', '/v1/recommendations', { key: PUBLIC }), 429, 'RATE_LIMITED');
    for (let i = 0; i < 10; i++)
      assert.equal(
        (await request(app, 'GET', '/v1/popular', { key: SECRET })).statusCode,
        200,
        `secret ${i + 1}`,
      );
    for (let i = 0; i < 10; i++)
      assert.equal((await request(app, 'GET', '/healthz', { key: null })).statusCode, 200);
  });
});

describe('rate limits behind replicas', () => {
  it("goes by the client a replica names with the cluster's token, and by the address without it", async () => {
    const { gu, app } = await appOver({
      rateLimitPerMinute: 2,
      logLevel: 'silent',
      internalToken: 'cluster-token',
    });
    try {
      const from = (client: string, token: string) =>
        request(app, 'GET', '/v1/popular', {
          key: PUBLIC,
          headers: { 'x-gu-client': client, 'x-gu-internal': token },
        });
      for (const client of ['10.0.0.1', '10.0.0.2'])
        for (let i = 0; i < 2; i++) assert.equal((await from(client, 'cluster-token')).statusCode, 200);
      assertError(await from('10.0.0.1', 'cluster-token'), 429, 'RATE_LIMITED');
      // A client naming itself without the token is counted by its own address, whatever it claims.
      for (let i = 0; i < 2; i++) assert.equal((await from(`forged-${i}`, 'guess')).statusCode, 200);
      assertError(await from('forged-2', 'guess'), 429, 'RATE_LIMITED');
    } finally {
      await app.close();
      await gu.close();
    }
  });
});

describe('the deadline', () => {
  it('falls back to popular and related items when the model path runs past it', async () => {
    const { app } = await open({ deadlineMs: -1 });
    try {
      await request(app, 'PUT', '/v1/items', { body: shopItems() });
      for (const batch of batches(shopEvents(), 500))
        assert.equal(
          (await request(app, 'POST', '/v1/events', { key: PUBLIC, body: batch })).statusCode,
          200,
        );
      await train(app);
      const res = await request(app, 'GET', '/v1/recommendations?userId=u-002&n=5&explain=true', {
        key: PUBLIC,
      });
      assert.equal(res.statusCode, 200, res.body);
      const answer = res.json() as Recommendations;
      assert.equal(answer.fallback, true);
      assert.equal(answer.items.length, 5);
      // The fallback still follows what the shopper looked at: related items of the same category.
      assert.ok(answer.items.some((i) => categoryOf(i.itemId) === 'giay-dep'));
      const metrics = (await request(app, 'GET', '/metrics', { key: null })).body;
      assert.match(metrics, /^gu_recommendations_total\{placement="home",fallback="true"\} [1-9]/m);
    } finally {
      await app.close();
    }
  });
});

describe('logs', () => {
  /** An app whose log lines, from `logLevel` up, are kept in `lines`. */
  const loggedApp = async (logLevel: string) => {
    const lines: string[] = [];
    const shop = await appOver({
      rateLimitPerMinute: 0,
      logLevel,
      logStream: { write: (line) => void lines.push(line) },
    });
    return { ...shop, lines };
  };

  it('carry pseudonyms, never user ids nor keys', async () => {
    const { gu, app, lines } = await loggedApp('debug');
    try {
      await request(app, 'GET', '/v1/recommendations?userId=shopper-lan@example.vn&n=3', { key: PUBLIC });
      await request(app, 'GET', '/v1/recommendations?userId=shopper-lan@example.vn&n=101', { key: PUBLIC });
      await request(app, 'GET', `/v1/recommendations?userId=shopper-lan@example.vn&key=${PUBLIC}`, {
        key: null,
      });
      await request(app, 'DELETE', '/v1/users/shopper-lan@example.vn');
      const text = lines.join('');
      const records = lines.map((l) => JSON.parse(l) as { msg: string; user?: string; status?: number });
      const requests = records.filter((r) => r.msg === 'request');
      assert.equal(requests.length, 4, text);
      const users = new Set(requests.slice(0, 3).map((r) => r.user));
      assert.equal(users.size, 1, 'one shopper reads as one pseudonym');
      assert.match([...users][0]!, /^p_[0-9a-f]{12}$/);
      assert.ok(!text.includes('shopper-lan'), text);
      assert.ok(!text.includes(PUBLIC) && !text.includes(SECRET), text);
    } finally {
      await app.close();
      await gu.close();
    }
  });

  it('answer requests that come while the server closes with a coded 503', async () => {
    const { gu, app } = await appOver({ rateLimitPerMinute: 0, logLevel: 'silent' });
    try {
      const closing = app.close();
      // Asked in the same turn: once the close has finished, nothing is answered at all.
      const answers = [
        request(app, 'GET', '/healthz', { key: null }),
        request(app, 'GET', '/v1/popular?n=3', { key: PUBLIC }),
      ];
      for (const res of await Promise.all(answers)) {
        assertError(res, 503, 'NOT_READY');
        assert.match(res.json().error.message, /shutting down/);
      }
      await closing;
    } finally {
      await gu.close();
    }
  });

  it('log a coded 503 as a warning in one line, not as a fault with a stack', async () => {
    const { gu, app, lines } = await loggedApp('info');
    try {
      const put = await request(app, 'PUT', '/v1/items', { body: [{ itemId: 'only', title: 'Only' }] });
      assert.equal(put.statusCode, 200);
      assertError(await request(app, 'GET', '/readyz', { key: null }), 503, 'NOT_READY');
      const records = lines.map(
        (l) => JSON.parse(l) as { level: number; msg: string; code?: string; err?: unknown },
      );
      const notReady = records.filter((r) => r.code === 'NOT_READY');
      assert.equal(notReady.length, 1, lines.join(''));
      assert.equal(notReady[0]!.level, 40, 'warn');
      assert.match(notReady[0]!.msg, /no model is serving yet/);
      assert.equal(notReady[0]!.err, undefined, 'no stack');
      assert.deepEqual(
        records.filter((r) => r.level >= 50),
        [],
        'nothing at error level',
      );
    } finally {
      await app.close();
      await gu.close();
    }
  });
});
