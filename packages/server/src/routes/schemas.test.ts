import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { Gu, memoryStores } from '@gu/core';
import { buildApp } from '../app.js';
import { createMetrics } from '../metrics.js';
import { documentOnly } from './schemas.js';

const PUBLIC = 'pk_test_public_key';
const SECRET = 'sk_test_secret_key';

interface Operation {
  requestBody?: { content: Record<string, { schema: { oneOf?: { type: string }[] } }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

describe('the OpenAPI document and the batch routes', () => {
  let gu: Gu;
  let app: FastifyInstance;
  let paths: Record<string, Record<string, Operation>>;

  const call = (method: 'POST' | 'PUT', url: string, payload: unknown, key = SECRET) =>
    app.inject({ method, url, headers: { 'x-api-key': key }, payload: payload as object });

  before(async () => {
    gu = await Gu.open(memoryStores());
    app = await buildApp({
      gu,
      keys: { publicKey: PUBLIC, secretKey: SECRET },
      metrics: createMetrics(),
      logSecret: 'log-secret',
      rateLimitPerMinute: 0,
      logLevel: 'silent',
    });
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(res.statusCode, 200, res.body);
    paths = (res.json() as { paths: typeof paths }).paths;
  });
  after(async () => {
    await app.close();
    await gu.close();
  });

  it('documents the bodies of the batch routes: an array, or an object holding it', () => {
    for (const [path, method, field] of [
      ['/v1/events', 'post', 'events'],
      ['/v1/items', 'put', 'items'],
      ['/v1/users', 'put', 'users'],
    ] as const) {
      const body = paths[path][method].requestBody?.content['application/json'].schema;
      assert.ok(body, `${method} ${path} has a requestBody`);
      assert.deepEqual(
        body.oneOf?.map((s) => s.type),
        ['array', 'object'],
        `${method} ${path} takes [...] or { ${field}: [...] }`,
      );
    }
  });

  it('documents the coded errors each route can answer', () => {
    const expected: [string, string, string[]][] = [
      ['/v1/events', 'post', ['400', '401', '413', '429']],
      ['/v1/items', 'put', ['400', '401', '403', '413']],
      ['/v1/users', 'put', ['400', '401', '403', '413']],
      ['/v1/items', 'get', ['400', '401', '429']],
      ['/v1/items/{itemId}', 'get', ['400', '401', '404', '429']],
      ['/v1/items/{itemId}', 'delete', ['400', '401', '403', '404']],
      ['/v1/users/{userId}', 'delete', ['400', '401', '403', '404']],
      ['/v1/categories', 'get', ['401', '429']],
      ['/v1/recommendations', 'get', ['400', '401', '404', '429']],
      ['/v1/items/{itemId}/similar', 'get', ['400', '401', '404', '429']],
      ['/v1/items/{itemId}/bought-together', 'get', ['400', '401', '404', '429']],
      ['/v1/popular', 'get', ['400', '401', '429']],
      ['/v1/trending', 'get', ['400', '401', '429']],
      ['/v1/rank', 'post', ['400', '401', '413', '429']],
      ['/v1/admin/models', 'get', ['400', '401', '403']],
      ['/v1/admin/models/{id}/promote', 'post', ['401', '403', '404']],
      ['/v1/admin/recipes/{recipe}/rollback', 'post', ['400', '401', '403', '409']],
      ['/v1/admin/training', 'post', ['400', '401', '403', '409']],
      ['/v1/admin/training', 'get', ['401', '403']],
      ['/v1/admin/training/{id}', 'get', ['401', '403', '404']],
      ['/v1/admin/filters', 'get', ['401', '403']],
      ['/v1/admin/filters/{name}', 'put', ['400', '401', '403']],
      ['/v1/admin/filters/{name}', 'delete', ['401', '403', '404']],
      ['/v1/admin/kpis', 'get', ['400', '401', '403']],
      ['/v1/admin/data-quality', 'get', ['401', '403']],
      ['/v1/admin/status', 'get', ['401', '403']],
    ];
    for (const [path, method, statuses] of expected) {
      const { responses } = paths[path][method];
      assert.deepEqual(
        Object.keys(responses).filter((s) => s >= '400'),
        statuses,
        `${method} ${path}`,
      );
      for (const status of statuses) {
        const schema = responses[status].content?.['application/json'].schema as {
          required: string[];
          properties: { error: { required: string[]; properties: Record<string, unknown> } };
        };
        assert.deepEqual(schema.required, ['error'], `${method} ${path} ${status}`);
        assert.deepEqual(schema.properties.error.required, ['code', 'message']);
        assert.deepEqual(Object.keys(schema.properties.error.properties), ['code', 'message', 'details']);
        assert.ok(responses[status].description.length > 0);
      }
    }
  });

  it('still accepts the valid events of a batch and rejects the others one by one', async () => {
    const view = { eventType: 'view', userId: 'u1', itemId: 'i1', timestamp: Date.now() };
    const res = await call('POST', '/v1/events', {
      id: 'not in any schema',
      events: [
        { ...view, eventId: 'ok' },
        { ...view, eventId: 'bad', eventType: 'stare', extra: 1 },
      ],
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as {
      accepted: number;
      rejected: { index: number; id: string; errors: unknown[] }[];
    };
    assert.equal(body.accepted, 1);
    assert.deepEqual(
      body.rejected.map((r) => [r.index, r.id]),
      [[1, 'bad']],
    );
    assert.ok(body.rejected[0].errors.length >= 2, 'the type and the unknown field are both named');
  });

  it('answers the same coded errors, their details written whole', async () => {
    const invalid = await call('POST', '/v1/events', [{ eventId: 'x', eventType: 'view' }]);
    assert.equal(invalid.statusCode, 400);
    const { error } = invalid.json() as {
      error: { code: string; message: string; details: { index: number; id: string; errors: unknown[] }[] };
    };
    assert.equal(error.code, 'INVALID_EVENTS');
    assert.equal(error.message, 'no event in the batch is valid');
    assert.equal(error.details[0].id, 'x');
    assert.ok(error.details[0].errors.length > 0);

    assert.deepEqual((await call('POST', '/v1/events', { nothing: true })).json(), {
      error: { code: 'INVALID_REQUEST', message: 'expected an array of events or { "events": [...] }' },
    });
    const tooMany = Array.from({ length: 501 }, (_, k) => ({ eventId: `e${k}` }));
    assert.equal((await call('POST', '/v1/events', tooMany)).statusCode, 413);
    assert.equal((await call('PUT', '/v1/items', [{ itemId: 'i1' }], PUBLIC)).statusCode, 403);

    const items = await call('PUT', '/v1/items', { items: [{ itemId: 'i1' }, { itemId: '', price: -1 }] });
    assert.equal(items.statusCode, 200, items.body);
    assert.equal((items.json() as { upserted: number }).upserted, 1);
    assert.deepEqual((await call('PUT', '/v1/users', { users: 'u1' })).json(), {
      error: {
        code: 'INVALID_REQUEST',
        message: 'expected a non-empty array of users or { "users": [...] }',
      },
    });
    for (const [url, code] of [
      ['/v1/items/nope', 'UNKNOWN_ITEM'],
      ['/v1/users/nobody', 'UNKNOWN_USER'],
    ])
      assert.equal(
        (
          (await app.inject({ method: 'DELETE', url, headers: { 'x-api-key': SECRET } })).json() as {
            error: { code: string };
          }
        ).error.code,
        code,
      );
    const users = await call('PUT', '/v1/users', [{ userId: 'u1', attributes: 'none' }]);
    assert.equal(users.statusCode, 400);
    assert.equal((users.json() as { error: { details: unknown[] } }).error.details.length, 1);
  });

  it("writes the serving routes' errors whole beside their hand-written answers", async () => {
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url, headers: { 'x-api-key': PUBLIC } });
      return [res.statusCode, (res.json() as { error: { code: string; message: string } }).error] as const;
    };
    const [status, error] = await get('/v1/recommendations?userId=u1&filter=nope');
    assert.deepEqual([status, error.code], [404, 'UNKNOWN_FILTER']);
    assert.match(error.message, /no filter named nope/);
    assert.deepEqual((await get('/v1/items/nope/similar'))[1].code, 'UNKNOWN_ITEM');
    const [badN, invalid] = await get('/v1/popular?n=0');
    assert.deepEqual([badN, invalid.code], [400, 'INVALID_REQUEST']);
    assert.match(invalid.message, /must be >= 1/);
    const answer = await app.inject({ url: '/v1/popular?n=3', headers: { 'x-api-key': PUBLIC } });
    assert.deepEqual(Object.keys(answer.json() as object), ['items']);
  });

  it('documentOnly refuses to stand in for a querystring or params check', async () => {
    const bare = Fastify();
    bare.get(
      '/q',
      { validatorCompiler: documentOnly, schema: { querystring: { type: 'object' } } },
      () => 'x',
    );
    await assert.rejects(async () => bare.ready(), /documentOnly checks no querystring/);
  });
});
