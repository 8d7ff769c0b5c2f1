import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KpiTracker } from './kpis.js';
import { ServedTally } from './served-tally.js';

test('a tally counts answers per placement and fallbacks, keeps every latency of a few, and starts over', () => {
  const tally = new ServedTally();
  assert.equal(tally.take(), undefined);
  tally.record('home', 1.5, false);
  tally.record('pdp', 2, true);
  tally.record('pdp', 3, false);
  assert.deepEqual(tally.take(), { served: { home: 1, pdp: 2 }, fallbacks: 1, latencies: [1.5, 2, 3] });
  assert.equal(tally.take(), undefined);
  tally.record('cart', 4, false);
  assert.deepEqual(tally.take(), { served: { cart: 1 }, fallbacks: 0, latencies: [4] });
});

test('a tally of many answers carries a uniform sample of their latencies in fixed size', () => {
  const tally = new ServedTally();
  for (let i = 0; i < 100_000; i++) tally.record('home', i % 1000, false);
  const summary = tally.take()!;
  assert.equal(summary.served.home, 100_000);
  assert.equal(summary.latencies.length, 128);
  assert.ok(summary.latencies.every((l) => Number.isInteger(l) && l >= 0 && l < 1000));
  // 128 draws from 0..999: the mean's standard deviation is about 26, so 500 ± 200 is over 7 of them.
  const mean = summary.latencies.reduce((a, b) => a + b, 0) / summary.latencies.length;
  assert.ok(Math.abs(mean - 500) < 200, `mean ${mean}`);
});

test("the writer's KPIs count a replica's summaries as the answers they stand for", () => {
  const now = Date.UTC(2026, 11, 3, 10, 0, 30);
  const kpis = new KpiTracker(() => now);
  kpis.recordServed('home', 50, false);
  // 99,900 answers at 1 ms (a sample of 128), then 100 at 100 ms (a sample of 100): 0.1% of them are slow.
  kpis.recordServedSummary({ served: { pdp: 99_900 }, fallbacks: 3, latencies: Array(128).fill(1) });
  kpis.recordServedSummary({ served: { cart: 100 }, fallbacks: 0, latencies: Array(100).fill(100) });
  const r = kpis.report(1);
  assert.equal(r.recommendations.answers, 100_001);
  assert.equal(r.recommendations.fallbacks, 3);
  assert.deepEqual(
    Object.fromEntries(Object.entries(r.widgets).map(([placement, w]) => [placement, w.served])),
    { home: 1, pdp: 99_900, cart: 100 },
  );
  // Taken as one answer each, the slow sample would be 100 of the minute's 228 kept latencies (the 99th
  // percentile 100 ms); as the 100 answers of 100,001 it stands for, about one of 512 (six or more, which
  // would move the 99th percentile, once in some 60,000 runs).
  assert.equal(r.recommendations.latencyP50Ms, 1);
  assert.equal(r.recommendations.latencyP99Ms, 1);
});

test('a summary without latencies still counts its answers', () => {
  const kpis = new KpiTracker(() => Date.UTC(2026, 11, 3, 10, 0, 30));
  kpis.recordServedSummary({ served: { home: 7 }, fallbacks: 0, latencies: [] });
  assert.equal(kpis.report(1).recommendations.answers, 7);
});
