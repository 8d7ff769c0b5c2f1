import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Gu } from '@gu/core';
import { appOver, TEST_KEYS } from './testing/memory-app.js';

/**
 * Every route of the OpenAPI document, asked with bad input of every kind (PRODUCT.md §8: no crash under
 * malformed input): each answer is below 500 and, when not a success, a coded error; the server answers
 * /healthz after all of it. Routes added later are swept without a change here.
 */

interface Route {
  method: string;
  path: string;
}

const LONG = 'x'.repeat(10_000);
/** Path parameters: long, unicode, control characters, encoded garbage, traversal. */
const BAD_PARAMS = [LONG, 'ấ%00b', '%00', '%FF%FE', '..%2F..%2Fetc', '%E0%A4%A', '🙂'.repeat(300), ' '];
/** Query strings: wrong types, unknown and repeated fields, huge values, broken encoding. */
const BAD_QUERIES = [
  'n=abc&placement=nowhere',
  'n=-1&n=2&userId=a&userId=b',
  `userId=${LONG}&itemId=${LONG}`,
  'n=1e309&explain=maybe',
  'filterValues=%7Bnot-json&filter=',
  'category=%E0%A4%A&since=yesterday',
  'unknown=1',
  '%%%=%%%',
];
/** Bodies, each sent as JSON: wrong types, nesting a parser might recurse on, broken syntax. */
const BAD_BODIES = [
  '',
  'null',
  '"text"',
  '42',
  '[]',
  '[{}]',
  '{',
  '{"a":}',
  '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}',
  '['.repeat(10_000) + ']'.repeat(10_000),
  JSON.stringify({ events: Array.from({ length: 3 }, () => ({ eventId: 1, eventType: [], timestamp: {} })) }),
  JSON.stringify({ items: [{ itemId: LONG, price: 'free', categories: 'x' }] }),
  JSON.stringify({ name: LONG, variants: 'ab', placement: 7 }),
];

/** The routes of the OpenAPI document, with a stand-in for each path parameter. */
function routesOf(app: FastifyInstance): Route[] {
  const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
  const routes: Route[] = [];
  for (const [path, methods] of Object.entries(doc.paths))
    for (const method of Object.keys(methods))
      if (['get', 'post', 'put', 'delete', 'patch'].includes(method))
        routes.push({ method: method.toUpperCase(), path });
  return routes;
}

const withParam = (path: string, value: string) =>
  path.replace(/\{[^}]+\}/g, encodeURIComponent(value).replace(/%25/g, '%'));

describe('malformed input on every route', () => {
  let app: FastifyInstance;
  let gu: Gu;
  let routes: Route[];
  let url: URL;

  before(async () => {
    ({ app, gu } = await appOver({ rateLimitPerMinute: 0, logLevel: 'silent' }));
    await app.ready();
    routes = routesOf(app).filter((r) => r.path !== '/v1/events/stream');
    url = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
  });
  after(async () => {
    await app.close();
    await gu.close();
  });

  /** Asserts what any answer to bad input must be: no server error, and a coded error when it fails. */
  function assertHandled(what: string, res: { statusCode: number; body: string }) {
    assert.ok(res.statusCode < 500, `${what}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    if (res.statusCode < 400) return;
    const body = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
    assert.equal(typeof body.error?.code, 'string', `${what}: no error code in ${res.body.slice(0, 300)}`);
    assert.ok(
      typeof body.error?.message === 'string' && body.error.message.length > 0,
      `${what}: no error message in ${res.body.slice(0, 300)}`,
    );
  }

  const ask = (method: string, path: string, payload?: string, contentType = 'application/json') =>
    app.inject({
      method: method as 'GET',
      url: path,
      headers: {
        'x-api-key': TEST_KEYS.secretKey,
        ...(payload === undefined ? {} : { 'content-type': contentType }),
      },
      ...(payload === undefined ? {} : { payload }),
    });

  it('finds the API in the OpenAPI document', () => {
    const paths = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const known of [
      'POST /v1/events',
      'GET /v1/recommendations',
      'PUT /v1/items',
      'GET /v1/items/{itemId}',
    ])
      assert.ok(paths.has(known), `${known} in ${[...paths].join(', ')}`);
    assert.ok(routes.length >= 20, `${routes.length} routes`);
  });

  it('answers bad path parameters and query strings with coded client errors', async () => {
    for (const { method, path } of routes) {
      const paths = path.includes('{') ? BAD_PARAMS.map((p) => withParam(path, p)) : [path];
      for (const p of paths)
        for (const query of ['', ...BAD_QUERIES]) {
          const target = query ? `${p}?${query}` : p;
          const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
          assertHandled(`${method} ${target.slice(0, 120)}`, await ask(method, target, body));
        }
    }
  });

  it('answers bad bodies, wrong content types and oversized bodies with coded client errors', async () => {
    const writes = routes.filter((r) => r.method !== 'GET' && r.method !== 'DELETE');
    assert.ok(writes.length >= 5, `${writes.length} routes take a body`);
    const huge = JSON.stringify({ events: [{ eventId: 'x'.repeat(3 * 1024 * 1024) }] });
    for (const { method, path } of writes) {
      const p = withParam(path, 'some-id');
      for (const body of BAD_BODIES)
        assertHandled(`${method} ${p} ${body.slice(0, 40)}`, await ask(method, p, body));
      assertHandled(`${method} ${p} as text`, await ask(method, p, '{"events":[]}', 'text/plain'));
      assertHandled(
        `${method} ${p} as a form`,
        await ask(method, p, 'a=1&b=2', 'application/x-www-form-urlencoded'),
      );
      assertHandled(`${method} ${p} with no content type`, await ask(method, p, '{}', ''));
      const tooLarge = await ask(method, p, huge);
      assertHandled(`${method} ${p} of 3 MB`, tooLarge);
      assert.ok(tooLarge.statusCode >= 400, `${method} ${p} took a body beyond the limit`);
    }
  });

  it('serves items whose ids are as long as the API allows, in any script, at their paths', async () => {
    // The router refused path parameters over 100 characters with a body of its own.
    for (const itemId of ['a'.repeat(256), 'Áo dài'.repeat(43).slice(0, 256), '🙂'.repeat(128)]) {
      const put = await ask('PUT', '/v1/items', JSON.stringify([{ itemId, title: 'Long id' }]));
      assert.equal(put.statusCode, 200, put.body);
      const path = `/v1/items/${encodeURIComponent(itemId)}`;
      for (const p of [path, `${path}/similar`, `${path}/bought-together`]) {
        const res = await ask('GET', p);
        assert.equal(res.statusCode, 200, `${p.slice(0, 60)}: ${res.body.slice(0, 200)}`);
      }
      assert.equal((await ask('GET', path)).json().itemId, itemId);
    }
    const tooLong = await ask('GET', `/v1/items/${'a'.repeat(257)}`);
    assert.equal(tooLong.statusCode, 400, tooLong.body);
    assert.equal(tooLong.json().error.code, 'INVALID_REQUEST');
    const beyondRouter = await ask('GET', `/v1/items/${LONG}`);
    assert.equal(beyondRouter.statusCode, 400, beyondRouter.body);
    assert.match(beyondRouter.json().error.message, /longer than any id/);
  });

  /** Writes raw bytes to the listening server and resolves with what came back before it closed or 2 s. */
  const raw = (bytes: string | Buffer, closeAfterWrite = false) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname);
      let answer = '';
      socket.on('data', (d) => (answer += d.toString('latin1')));
      socket.on('error', (e) =>
        (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve(answer) : reject(e),
      );
      socket.on('close', () => resolve(answer));
      socket.setTimeout(2000, () => socket.destroy());
      socket.write(bytes, () => closeAfterWrite && socket.destroy());
    });

  it('survives raw HTTP abuse and still answers /healthz', async () => {
    assert.match(await raw('THIS IS NOT HTTP\r\n\r\n'), /^HTTP\/1\.1 400/);
    assert.match(
      await raw(`GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(100_000)}\r\n\r\n`),
      /^HTTP\/1\.1 431/,
    );
    assert.match(
      await raw('GET /healthz HTTP/1.1\r\nhost: x\r\ncontent-length: -5\r\n\r\n'),
      /^HTTP\/1\.1 400/,
    );
    // A body promised and cut off: the connection goes, the server stays.
    await raw(
      `POST /v1/events HTTP/1.1\r\nhost: x\r\nx-api-key: ${TEST_KEYS.publicKey}\r\n` +
        'content-type: application/json\r\ncontent-length: 1000\r\n\r\n{"events":[',
      true,
    );
    assert.match(await raw(Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10])), /^HTTP\/1\.1 400/);
    const health = await fetch(new URL('/healthz', url));
    assert.equal(health.status, 200);
  });
});
