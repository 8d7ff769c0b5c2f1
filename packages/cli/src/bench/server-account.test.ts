import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetrics } from '@gu/server';
import { samples, serverAccount, total } from './server-account.js';

test("a phase's account from two scrapes of a real server's /metrics text", async () => {
  const metrics = createMetrics();
  const observe = (route: string, status: number, seconds: number) =>
    metrics.httpDuration.observe({ method: 'GET', route, status }, seconds);
  observe('/v1/recommendations', 200, 0.002);
  observe('/v1/events', 200, 0.5); // another route: not counted
  const before = await metrics.registry.metrics();
  for (let k = 0; k < 97; k++) observe('/v1/recommendations', 200, 0.004);
  observe('/v1/recommendations', 400, 0.009); // every status counts
  observe('/v1/recommendations', 200, 0.03);
  observe('/v1/recommendations', 200, 0.2);
  // A stretch of blocked event loop, which the lag monitor must see.
  await new Promise((resolve) => setTimeout(resolve, 30));
  const until = performance.now() + 60;
  while (performance.now() < until);
  await new Promise((resolve) => setTimeout(resolve, 30));
  // Short-lived garbage, tens of megabytes: the young generation is collected at least once.
  let bag: { k: number }[] = [];
  for (let k = 0; k < 2e6; k++) if (bag.push({ k }) > 10_000) bag = [];
  assert.ok(bag.length <= 10_000);
  await new Promise((resolve) => setTimeout(resolve, 10));
  const account = serverAccount(before, await metrics.registry.metrics(), '/v1/recommendations');
  assert.equal(account.within10Ms, 0.98);
  assert.ok(account.eventLoopDelayMs.max >= 40, `loop delay ${account.eventLoopDelayMs.max} ms`);
  assert.ok(account.eventLoopDelayMs.p99 <= account.eventLoopDelayMs.max);
  assert.ok(account.gcSeconds.minor > 0, 'young-generation collections counted');
  assert.throws(() => serverAccount(before, before, '/nowhere'), /no bucket at 10 ms for \/nowhere/);
});

test('samples reads names, labels (escapes too) and values, and skips comments', () => {
  const text = [
    '# HELP x a metric',
    'x_total 3',
    'y_bucket{le="0.01",route="/a \\"b\\""} 7',
    'z{kind="minor"} 1.5e-3',
  ].join('\n');
  assert.deepEqual(samples(text), [
    { name: 'x_total', labels: {}, value: 3 },
    { name: 'y_bucket', labels: { le: '0.01', route: '/a \\"b\\"' }, value: 7 },
    { name: 'z', labels: { kind: 'minor' }, value: 0.0015 },
  ]);
});

test("total adds a metric's samples over labels, and only that metric's", async () => {
  const metrics = createMetrics();
  metrics.recommendations.inc({ placement: 'home', fallback: 'false' }, 3);
  metrics.recommendations.inc({ placement: 'pdp', fallback: 'true' }, 4);
  metrics.modelErrors.inc(100);
  const text = await metrics.registry.metrics();
  assert.equal(total(text, 'gu_recommendations_total'), 7);
  assert.equal(total(text, 'gu_nothing_total'), 0);
  assert.ok(total(text, 'gu_process_resident_memory_bytes') > 0);
});
