import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { openLoop } from './open-loop.js';

/**
 * Answers 200 ({"items":[]}), chunked for /chunked, 404 for /missing, never for /hang, drops the connection for /drop; while `stalled` holds
 * a promise, answers wait for it (a server stalled by a long collection, say). Keeps what it was sent.
 */
let server: Server;
let url: string;
let stalled: Promise<void> | undefined;
const seen: { method: string; path: string; key?: string; body: string; at: number; port?: number }[] = [];

function answer(req: IncomingMessage, res: ServerResponse, body: string) {
  seen.push({
    method: req.method!,
    path: req.url!,
    key: req.headers['x-api-key'] as string,
    body,
    at: performance.now(),
    port: req.socket.remotePort,
  });
  if (req.url === '/hang') return;
  if (req.url === '/drop') return req.socket.destroy();
  const chunked = req.url === '/chunked';
  res.writeHead(req.url === '/missing' ? 404 : 200, {
    'content-type': 'application/json',
    ...(chunked ? {} : { 'content-length': 12 }),
  });
  // Head and body in two writes: the generator must put an answer together from pieces.
  res.write('{"items":');
  setImmediate(() => res.end('[]}'));
}

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (stalled) void stalled.then(() => answer(req, res, body));
      else answer(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

test('sends at the rate asked, the requests in turn with the headers, and counts what is not 2xx', async () => {
  seen.length = 0;
  const result = await openLoop({
    url,
    rate: 400,
    seconds: 1,
    warmupSeconds: 0.25,
    connections: 4,
    headers: { 'x-api-key': 'k1' },
    requests: [{ path: '/a?x=1' }, { path: '/missing' }],
  });
  // 100 warm-up requests and 400 measured ones, due 2.5 ms apart: all sent, about 1.25 s from first to last.
  assert.equal(seen.length, 500);
  assert.equal(result.requests, 400);
  assert.equal(result.requestsPerSecond, 400);
  const span = seen.at(-1)!.at - seen[0].at;
  assert.ok(span > 1150 && span < 1500, `sent over ${span} ms`);
  // In turn: as many of each (answers on different connections may arrive in another order).
  assert.equal(seen.filter((s) => s.path === '/missing').length, 250);
  assert.ok(seen.every((s) => s.key === 'k1' && s.method === 'GET'));
  assert.equal(result.non2xx, 200);
  assert.equal(result.errors + result.unanswered, 0);
  // The requests went round every connection, though one could have carried them all: a cluster that
  // shares its port by connection gets the load spread over its processes.
  const byConnection = new Map<number | undefined, number>();
  for (const { port } of seen) byConnection.set(port, (byConnection.get(port) ?? 0) + 1);
  assert.equal(byConnection.size, 4);
  for (const count of byConnection.values()) assert.ok(Math.abs(count - 125) <= 2, `${count} requests`);
  assert.ok(result.p50Ms <= result.p99Ms && result.p99Ms <= result.p999Ms && result.p999Ms <= result.maxMs);
});

/** A second of requests to /a at 400/s on 4 connections, after a quarter second of warm-up. */
const oneSecondAt400 = () =>
  openLoop({ url, rate: 400, seconds: 1, warmupSeconds: 0.25, connections: 4, requests: [{ path: '/a' }] });

test('a stall delays every request due during it, and each counts its wait from when it was due', async () => {
  seen.length = 0;
  // 200 ms into the measured second the server stops answering for 600 ms. The requests due meanwhile (60%
  // of those measured) wait for a connection, from 600 ms down to nothing: the median waits about 100 ms. A
  // closed-loop generator sends none of them, and sees the stall in only the 4 requests on the wire.
  setTimeout(() => {
    stalled = new Promise((resolve) => setTimeout(resolve, 600));
    void stalled.then(() => (stalled = undefined));
  }, 450);
  const result = await oneSecondAt400();
  assert.equal(result.requests, 400);
  assert.ok(result.p50Ms > 50 && result.p50Ms < 250, `p50 ${result.p50Ms} ms`);
  assert.ok(result.p99Ms > 500, `p99 ${result.p99Ms} ms`);
  assert.ok(result.maxMs >= 590, `max ${result.maxMs} ms`);
  // The generator itself sent on time: what waited for a connection is the server's, not its own lateness.
  assert.ok(result.senderLateP99Ms < 100, `sender late p99 ${result.senderLateP99Ms} ms`);
});

test("the generator's own stall shows as sender lateness", async () => {
  // 200 ms into the measured second this process (the generator's) is busy for 300 ms: the requests that
  // came due meanwhile go out late, the first ones on connections that were free all along.
  setTimeout(() => {
    const until = performance.now() + 300;
    while (performance.now() < until);
  }, 450);
  const result = await oneSecondAt400();
  assert.equal(result.requests, 400);
  assert.ok(result.senderLateMaxMs >= 250, `sender late max ${result.senderLateMaxMs} ms`);
  assert.ok(result.senderLateP99Ms <= result.senderLateMaxMs);
});

test('a body gets a unique 12-digit sequence number for every {seq}', async () => {
  seen.length = 0;
  await openLoop({
    url,
    rate: 200,
    seconds: 0.5,
    warmupSeconds: 0,
    connections: 3,
    method: 'POST',
    requests: [{ path: '/events', body: '[{"eventId":"e{seq}-a"},{"eventId":"e{seq}-b"}]' }],
  });
  const ids = seen.flatMap((s) => (JSON.parse(s.body) as { eventId: string }[]).map((e) => e.eventId));
  assert.equal(ids.length, 200);
  assert.ok(
    ids.every((id) => /^e\d{12}-[ab]$/.test(id)),
    ids.slice(0, 3).join(),
  );
  assert.equal(new Set(ids).size, ids.length, 'every event id is unique');
});

test('a dropped connection is an error and is replaced; an answer that never comes counts to the end', async () => {
  const result = await openLoop({
    url,
    rate: 100,
    seconds: 1,
    warmupSeconds: 0,
    connections: 4,
    requests: [{ path: '/a' }, { path: '/drop' }, { path: '/a' }, { path: '/a' }, { path: '/hang' }],
    drainSeconds: 0.3,
  });
  // Every fifth request drops its connection, every fifth hangs one: 4 connections hang within the first
  // 20 requests (each replaced connection picks up the queue) and the rest wait behind them.
  assert.ok(result.errors >= 1, `${result.errors} errors`);
  assert.ok(result.unanswered > 0, `${result.unanswered} unanswered`);
  assert.equal(result.requests, 100);
  assert.ok(result.maxMs >= 1000, `max ${result.maxMs} ms: the first hung request waited to the end`);
});

test('an answer it cannot frame (chunked, with no content-length) is a clear error', async () => {
  await assert.rejects(
    openLoop({
      url,
      rate: 10,
      seconds: 1,
      warmupSeconds: 0,
      connections: 1,
      requests: [{ path: '/chunked' }],
    }),
    /an answer without content-length: HTTP\/1.1 200 OK/,
  );
});

test('an unreachable server is a clear error', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  await assert.rejects(
    openLoop({
      url: `http://127.0.0.1:${port}`,
      rate: 10,
      seconds: 1,
      warmupSeconds: 0,
      connections: 1,
      requests: [{ path: '/' }],
    }),
    /ECONNREFUSED/,
  );
});
