import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Gu } from '@gu/core';
import { appOver, TEST_KEYS } from './testing/memory-app.js';

/**
 * Every route the app registers, asked with bad input of every kind (PRODUCT.md §8: no crash under malformed
 * input): each answer is below 500 and, when not a success, a coded error; nothing is logged as a server
 * error; the server answers /healthz after all of it. The routes come from the OpenAPI document, plus the
 * ones it hides (the documentation's own, /docs/*), so routes added later are swept without a change here.
 */

interface Route {
  method: string;
  path: string;
}

const LONG = 'x'.repeat(10_000);
/** Path parameters: empty, blank, long, unicode, control characters, encoded garbage, traversal. */
const BAD_PARAMS = [
  '',
  ' ',
  LONG,
  'ấ%00b',
  '%00',
  '%FF%FE',
  '%',
  '%E0%A4%A',
  '..%2F..%2Fetc',
  '🙂'.repeat(300),
  '\u202e\ufeff\u0007',
];
/** Query strings: wrong types, unknown, repeated and nested fields, huge values, broken encoding. */
const BAD_QUERIES = [
  'n=abc&placement=nowhere',
  'n=-1&n=2&userId=a&userId=b',
  `userId=${LONG}&itemId=${LONG}`,
  'n=1e309&explain=maybe',
  'n=&userId=&placement=',
  'n[]=1&userId[a]=b',
  'filterValues=%7Bnot-json&filter=',
  'filter=x&filterValues=%5B1%2C%7B%7D%5D',
  'category=%E0%A4%A&since=yesterday',
  'unknown=1',
  '%%%=%%%',
  '&&&=&=',
];
/** Bodies sent as JSON: wrong types, nesting a parser might recurse on, broken syntax and encoding. */
const BAD_BODIES: (string | Buffer)[] = [
  '',
  ' ',
  'null',
  'true',
  '"text"',
  '42',
  '1e999',
  '[]',
  '[{}]',
  '{}',
  '{',
  '{"a":}',
  '\u0000',
  '\ufeff{}',
  Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
  '{"userId":"a","userId":{"$gt":""}}',
  '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}',
  '['.repeat(10_000) + ']'.repeat(10_000),
  '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
  JSON.stringify({ events: Array.from({ length: 3 }, () => ({ eventId: 1, eventType: [], timestamp: {} })) }),
  JSON.stringify({ items: [{ itemId: LONG, price: 'free', categories: 'x' }] }),
  JSON.stringify({ userId: null, itemIds: 'a', n: -5 }),
  JSON.stringify({ name: LONG, variants: 'ab', placement: 7, recipe: {} }),
  JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ itemId: `i${i}`, userId: [i] }))),
];
/** Content types a body may come in besides JSON, each with a body that would be JSON. */
const OTHER_CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/xml',
  'xx/yy;;;=',
];
/** A body beyond the 2-MB body limit. */
const HUGE = JSON.stringify({ events: [{ eventId: 'x'.repeat(3 * 1024 * 1024) }] });

/** The routes of the OpenAPI document (path parameters as `{name}`), without HEAD. */
function documentedRoutes(app: FastifyInstance): Route[] {
  const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((m) => ['get', 'post', 'put', 'delete', 'patch'].includes(m))
      .map((m) => ({ method: m.toUpperCase(), path })),
  );
}

/**
 * Every route the router holds, read from printRoutes' tree (`├── /segment (GET, HEAD)`, four columns a
 * level), path parameters as `{name}` and a wildcard as `{*}`, without HEAD.
 */
function registeredRoutes(app: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const parents: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/u.exec(line);
    if (!m) continue;
    const depth = [...m[1]].length / 4;
    const path = (parents[depth - 1] ?? '') + m[2];
    parents[depth] = path;
    parents.length = depth + 1;
    for (const method of (m[3] ?? '').split(', ').filter((x) => x && x !== 'HEAD'))
      routes.push({
        method,
        path: path.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{*}'),
      });
  }
  return routes;
}

const withParams = (path: string, value: string) =>
  path.replace(/\{[^}]+\}/g, encodeURIComponent(value).replace(/%25/g, '%'));

/** What any answer to bad input must be: no server error, and a coded JSON error when it is no success. */
function assertHandled(
  what: string,
  res: { statusCode: number; body: string; headers: Record<string, unknown> },
) {
  const said = `${what}: ${res.statusCode} ${res.body.slice(0, 300)}`;
  // The one 5xx the API means: /readyz says it is not ready (PRODUCT.md §6), here because it has a catalog
  // and no model.
  const notReady = what.startsWith('GET /readyz') || what.startsWith('HEAD /readyz');
  assert.ok(res.statusCode < 500 || (notReady && res.statusCode === 503), said);
  if (res.statusCode < 300 || what.startsWith('HEAD ')) return;
  // The documentation UI redirects its own pages (/docs/static/index.html to /docs/): no error, no body.
  if (res.statusCode < 400) {
    assert.ok(what.includes(' /docs/'), `${said}: a redirect outside /docs`);
    assert.equal(typeof res.headers.location, 'string', `${said}: a redirect to nowhere`);
    return;
  }
  let body: { error?: { code?: unknown; message?: unknown } };
  try {
    body = JSON.parse(res.body) as typeof body;
  } catch {
    assert.fail(`${said}: the body is not JSON`);
  }
  assert.equal(typeof body.error?.code, 'string', `${said}: no error code`);
  const message = body.error?.message;
  assert.ok(typeof message === 'string' && message.length > 0, `${said}: no message`);
  if (res.statusCode === 503) assert.equal(body.error?.code, 'NOT_READY', said);
}

describe('malformed input on every route', { timeout: 30_000 }, () => {
  let app: FastifyInstance;
  let gu: Gu;
  let routes: Route[];
  let documented: Route[];
  let registered: Route[];
  let url: URL;
  /** Log lines at error level or above: a server error is logged even when its answer looks right. */
  const errors: string[] = [];
  let requests = 0;

  before(async () => {
    ({ app, gu } = await appOver({
      rateLimitPerMinute: 0,
      logLevel: 'error',
      logStream: { write: (line) => void errors.push(line) },
    }));
    await app.ready();
    documented = documentedRoutes(app);
    registered = registeredRoutes(app);
    const key = (r: Route) => `${r.method} ${r.path}`;
    const known = new Set(documented.map(key));
    routes = [...documented, ...registered.filter((r) => !known.has(key(r)))];
    url = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
    // A catalog and no model: path parameters name something, and /readyz says it is not ready.
    const put = await ask('PUT', '/v1/items', JSON.stringify([{ itemId: 'some-id', title: 'Something' }]));
    assert.equal(put.statusCode, 200, put.body);
  });
  after(async () => {
    await app.close();
    await gu.close();
  });

  const ask = (method: string, path: string, payload?: string | Buffer, contentType = 'application/json') => {
    requests++;
    return app.inject({
      method: method as 'GET',
      url: path,
      headers: {
        'x-api-key': TEST_KEYS.secretKey,
        ...(payload === undefined || contentType === '' ? {} : { 'content-type': contentType }),
      },
      ...(payload === undefined ? {} : { payload }),
    });
  };

  it('finds every route: the documented ones, and the ones the document hides', () => {
    const paths = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const known of [
      'POST /v1/events',
      'GET /v1/events/stream',
      'GET /v1/recommendations',
      'PUT /v1/items',
      'GET /v1/items/{itemId}',
      'DELETE /v1/users/{userId}',
      'POST /v1/admin/experiments/{id}/stop',
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
      'GET /docs/{*}',
    ])
      assert.ok(paths.has(known), `${known} in ${[...paths].join(', ')}`);
    assert.ok(routes.length >= 30, `${routes.length} routes`);
    // The router's tree is read right: it holds every documented route.
    const held = new Set(registered.map((r) => `${r.method} ${r.path}`));
    for (const r of documented)
      assert.ok(held.has(`${r.method} ${r.path}`), `${r.method} ${r.path} registered`);
  });

  it('answers bad path parameters and query strings with coded client errors', async () => {
    for (const { method, path } of routes) {
      const paths = path.includes('{') ? ['some-id', ...BAD_PARAMS].map((p) => withParams(path, p)) : [path];
      const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
      for (const p of paths)
        for (const query of ['', ...BAD_QUERIES]) {
          const target = query ? `${p}?${query}` : p;
          assertHandled(`${method} ${target.slice(0, 120)}`, await ask(method, target, body));
          if (method === 'GET') assertHandled(`HEAD ${target.slice(0, 120)}`, await ask('HEAD', target));
        }
    }
  });

  it('answers methods no route serves with coded 404s', async () => {
    for (const { path } of routes)
      for (const method of ['PATCH', 'OPTIONS']) {
        const res = await ask(method, withParams(path, 'some-id'));
        assertHandled(`${method} ${path}`, res);
        assert.equal(res.statusCode, 404, `${method} ${path}: ${res.body}`);
      }
  });

  it('answers bad bodies, missing bodies, wrong content types and oversized bodies with coded client errors', async () => {
    const writes = routes.filter((r) => r.method !== 'GET');
    assert.ok(writes.length >= 10, `${writes.length} routes take a body`);
    for (const { method, path } of routes) {
      const p = withParams(path, 'some-id');
      const what = (how: string) => `${method} ${p} ${how}`;
      for (const body of BAD_BODIES)
        assertHandled(what(Buffer.from(body).toString('latin1').slice(0, 40)), await ask(method, p, body));
      assertHandled(what('with no body'), await ask(method, p));
      assertHandled(what('with no content type'), await ask(method, p, '{}', ''));
      for (const type of OTHER_CONTENT_TYPES)
        assertHandled(what(`as ${type}`), await ask(method, p, '{"events":[]}', type));
      const tooLarge = await ask(method, p, HUGE);
      assertHandled(what('of 3 MB'), tooLarge);
      // GET bodies are never read, so never too large.
      if (method !== 'GET') assert.equal(tooLarge.statusCode, 413, what(`of 3 MB: ${tooLarge.body}`));
    }
  });

  it('requires a body where a route takes one', async () => {
    for (const [method, path] of [
      ['POST', '/v1/events'],
      ['POST', '/v1/rank'],
      ['PUT', '/v1/items'],
      ['PUT', '/v1/users'],
      ['POST', '/v1/admin/experiments'],
      ['PUT', '/v1/admin/filters/f'],
    ]) {
      for (const [how, res] of [
        ['no body', await ask(method, path)],
        ['an empty body', await ask(method, path, '')],
      ] as const) {
        assertHandled(`${method} ${path} with ${how}`, res);
        assert.equal(res.statusCode, 400, `${method} ${path} with ${how}: ${res.body}`);
      }
    }
  });

  it('answers a plain GET of the event stream, with no upgrade, with a coded error', async () => {
    // The WebSocket plugin answered it 404 with an empty body.
    for (const key of [TEST_KEYS.publicKey, TEST_KEYS.secretKey]) {
      const res = await app.inject({
        method: 'GET',
        url: '/v1/events/stream',
        headers: { 'x-api-key': key },
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error.code, 'INVALID_REQUEST');
      assert.match(res.json().error.message, /WebSocket/);
    }
    const anonymous = await app.inject({ method: 'GET', url: '/v1/events/stream' });
    assert.equal(anonymous.statusCode, 401, anonymous.body);
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

  /** Writes raw bytes to the listening server; resolves with what came back before it closed, or after 2 s. */
  const raw = (bytes: string | Buffer, closeAfterWrite = false) =>
    new Promise<string>((resolve, reject) => {
      requests++;
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

  /** The error of a raw answer, which must be a coded JSON error with this status. */
  const assertCoded = (answer: string, status: number, what: string) => {
    assert.match(answer, new RegExp(`^HTTP/1\\.1 ${status} `), `${what}: ${answer.slice(0, 300)}`);
    const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
    assertHandled(what, { statusCode: status, body, headers: {} });
    return (JSON.parse(body) as { error: { message: string } }).error;
  };

  const head = (line: string) => `${line}\r\nhost: x\r\nconnection: close\r\n`;
  const key = `x-api-key: ${TEST_KEYS.secretKey}\r\n`;

  it('answers what the HTTP parser refuses with coded errors', async () => {
    // Fastify answered these with a body of its own, `{"error":"Bad Request","message":"Client Error"}`.
    const cases: [string, string | Buffer, number, RegExp][] = [
      ['a line that is not HTTP', 'THIS IS NOT HTTP\r\n\r\n', 400, /not valid HTTP: Invalid method/],
      ['binary garbage', Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10]), 400, /not valid HTTP/],
      [
        'a header of 100 KB',
        `${head('GET /healthz HTTP/1.1')}x-big: ${'a'.repeat(100_000)}\r\n\r\n`,
        431,
        /too large/,
      ],
      [
        'a negative length',
        `${head('GET /healthz HTTP/1.1')}content-length: -5\r\n\r\n`,
        400,
        /Content-Length/,
      ],
      ['a header with no colon', `${head('GET /healthz HTTP/1.1')}bad header\r\n\r\n`, 400, /not valid HTTP/],
      // A body framed two ways at once, the smuggler's trick.
      [
        'a length and chunks',
        `${head('POST /v1/events HTTP/1.1')}${key}content-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n`,
        400,
        /not valid HTTP/,
      ],
      [
        'a chunk of no size',
        `${head('POST /v1/events HTTP/1.1')}${key}transfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
        400,
        /not valid HTTP/,
      ],
    ];
    for (const [what, bytes, status, message] of cases)
      assert.match(assertCoded(await raw(bytes), status, what).message, message, what);
  });

  it('survives raw HTTP abuse and still answers /healthz', async () => {
    // A body beyond the limit, announced: refused before it is sent.
    assertCoded(
      await raw(
        `${head('POST /v1/events HTTP/1.1')}${key}content-type: application/json\r\ncontent-length: 3000000\r\n\r\n`,
      ),
      413,
      'a length beyond the limit',
    );
    // A body beyond the limit, chunked, so that it is only found out while it is read.
    const chunk = 'x'.repeat(1024 * 1024);
    const chunked = `${(chunk.length + 2).toString(16)}\r\n"${chunk}"\r\n`.repeat(3);
    assertCoded(
      await raw(
        `${head('POST /v1/events HTTP/1.1')}${key}content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n${chunked}0\r\n\r\n`,
      ),
      413,
      'chunks beyond the limit',
    );
    // An upgrade to a WebSocket with a broken handshake: the ws library answers it, in plain text.
    const upgrade = await raw(
      `${head('GET /v1/events/stream HTTP/1.1').replace('close', 'upgrade')}${key}upgrade: websocket\r\n` +
        'sec-websocket-version: 99\r\nsec-websocket-key: !!\r\n\r\n',
    );
    assert.match(upgrade, /^HTTP\/1\.1 400/);
    // A body promised and cut off: the connection goes, the server stays.
    await raw(
      `${head('POST /v1/events HTTP/1.1')}${key}content-type: application/json\r\ncontent-length: 1000\r\n\r\n{"events":[`,
      true,
    );
    const health = await fetch(new URL('/healthz', url));
    assert.equal(health.status, 200);
  });

  it('answers /healthz after all of it, having logged no server error', async (t) => {
    const health = await ask('GET', '/healthz');
    assert.equal(health.statusCode, 200);
    // Coded errors are logged too where they are outcomes, not faults: the training jobs that the sweep
    // started with valid bodies fail on an empty event log.
    const serverErrors = errors.filter((line) => {
      const { err } = JSON.parse(line) as { err?: { type?: string; code?: string } };
      return err?.type !== 'GuError' || err.code === 'INTERNAL';
    });
    assert.deepEqual(serverErrors, []);
    const readiness = await ask('GET', '/readyz');
    assert.equal(readiness.statusCode, 503, 'a catalog and no model');
    assert.equal(readiness.json().error.code, 'NOT_READY');
    t.diagnostic(`${routes.length} routes (${documented.length} documented), ${requests} requests`);
  });
});
