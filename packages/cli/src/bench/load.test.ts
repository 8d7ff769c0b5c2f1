import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { defaultGenerator, load, type LoadGenerator } from './load.js';

/** A server that answers 200, or 404 for /missing, and keeps what it was sent. */
let server: Server;
let url: string;
const seen: { method: string; path: string; key?: string; body: string }[] = [];

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method!, path: req.url!, key: req.headers['x-api-key'] as string, body });
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const wrkInstalled = defaultGenerator() === 'wrk';

for (const generator of ['wrk', 'autocannon'] as LoadGenerator[])
  describe(
    `load with ${generator}`,
    { skip: generator === 'wrk' && !wrkInstalled && 'wrk is not installed' },
    () => {
      test('sends the requests in turn with the headers, counts answers that are not 2xx', async () => {
        seen.length = 0;
        const result = await load({
          url,
          connections: 2,
          seconds: 1,
          headers: { 'x-api-key': 'k1' },
          requests: [{ path: '/a?x=1' }, { path: '/missing' }],
          generator,
        });
        assert.equal(result.generator, generator);
        assert.ok(result.requests > 10, `${result.requests} requests`);
        assert.ok(result.requestsPerSecond > 10);
        assert.ok(result.p99Ms >= result.p50Ms && result.maxMs >= result.p99Ms);
        const paths = new Set(seen.map((s) => s.path));
        assert.deepEqual([...paths].sort(), ['/a?x=1', '/missing']);
        assert.ok(seen.every((s) => s.key === 'k1' && s.method === 'GET'));
        // Half the requests went to /missing (each connection alternates with the other, give or take one).
        const missing = seen.filter((s) => s.path === '/missing').length;
        assert.ok(Math.abs(result.non2xx - missing) <= 2, `${result.non2xx} non-2xx, ${missing} sent`);
        assert.equal(result.errors, 0);
      });

      test('a body gets a unique 12-digit sequence number for every {seq}', async () => {
        seen.length = 0;
        await load({
          url,
          connections: 3,
          seconds: 1,
          method: 'POST',
          requests: [{ path: '/events', body: '[{"eventId":"e{seq}-a"},{"eventId":"e{seq}-b"}]' }],
          generator,
        });
        // (A request of the previous run may still come in after it ended.)
        const posted = seen.filter((s) => s.method === 'POST');
        const ids = posted.flatMap((s) =>
          (JSON.parse(s.body) as { eventId: string }[]).map((e) => e.eventId),
        );
        assert.ok(ids.length > 20);
        assert.ok(
          ids.every((id) => /^e\d{12}-[ab]$/.test(id)),
          ids.slice(0, 3).join(),
        );
        assert.equal(new Set(ids).size, ids.length, 'every event id is unique');
      });
    },
  );

test('a request for wrk may not hold a newline', async () => {
  if (!wrkInstalled) return;
  await assert.rejects(
    load({ url, connections: 1, seconds: 1, requests: [{ path: '/a', body: '{\n}' }], generator: 'wrk' }),
    /no tab or newline/,
  );
});
