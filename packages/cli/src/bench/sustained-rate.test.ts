import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoadResult } from './load.js';
import { sustainedRate } from './sustained-rate.js';

/** A server whose p99 grows with the rate, past the budget above `capacity` requests/s. */
const server = (capacity: number, extra: Partial<LoadResult> = {}) => {
  const asked: number[] = [];
  const probe = async (rate: number): Promise<LoadResult> => {
    asked.push(rate);
    const p99Ms = rate <= capacity ? 2 + (8 * rate) / capacity : 50;
    return {
      generator: 'open-loop',
      rate,
      requestsPerSecond: rate,
      p50Ms: 1,
      p99Ms,
      maxMs: p99Ms,
      requests: rate,
      non2xx: 0,
      errors: 0,
      seconds: 1,
      unanswered: 0,
      ...extra,
    };
  };
  return { probe, asked };
};

test('bisects to within 5% below the highest rate that keeps p99 in budget', async () => {
  const { probe, asked } = server(6300);
  const found = await sustainedRate(probe, 10_000, 10);
  assert.ok(found.rate <= 6300 && found.rate >= 0.95 * 6300, `found ${found.rate}`);
  assert.equal(found.result?.rate, found.rate);
  assert.equal(asked[0], 8000);
  assert.ok(found.probes.length <= 6);
  assert.deepEqual(
    found.probes.map((p) => p.within),
    found.probes.map((p) => p.rate <= 6300),
  );
  // A rate that passed was run twice, one that failed once.
  assert.deepEqual(
    asked,
    found.probes.flatMap((p) => (p.within ? [p.rate, p.rate] : [p.rate])),
  );
});

test('a rate passes only when its second window passes too: one lucky window does not decide', async () => {
  // Every rate up to 6,000 passes; 7,000 passes its first window and fails its second (a collection in it).
  const windows = new Map<number, number>();
  const probe = async (rate: number): Promise<LoadResult> => {
    const run = (windows.get(rate) ?? 0) + 1;
    windows.set(rate, run);
    const p99Ms = rate <= 6000 || (rate <= 7000 && run === 1) ? 5 : 40;
    return { ...(await server(1e9).probe(rate)), p99Ms };
  };
  const found = await sustainedRate(probe, 8750, 10);
  const at7000 = found.probes.find((p) => p.rate === 7000);
  assert.deepEqual(at7000, {
    rate: 7000,
    windowsP99Ms: [5, 40],
    p99Ms: 40,
    within: false,
    senderLateP99Ms: undefined,
  });
  assert.ok(found.rate <= 6000 && found.rate >= 0.95 * 6000, `found ${found.rate}`);
  assert.equal(found.result?.p99Ms, 5);
  // With one window, as before, the lucky window decides.
  windows.clear();
  const once = await sustainedRate(probe, 8750, 10, { windows: 1 });
  assert.ok(once.rate >= 7000, `found ${once.rate}`);
});

test('a first probe within budget moves up, toward the ceiling', async () => {
  const { probe, asked } = server(9800);
  const found = await sustainedRate(probe, 10_000, 10);
  assert.deepEqual(asked.slice(0, 3), [8000, 8000, 9000]);
  assert.ok(found.rate >= 9500, `found ${found.rate}`);
});

test('errors, answers that are not 2xx and unanswered requests fail a probe whatever its p99', async () => {
  for (const bad of [{ errors: 1 }, { non2xx: 3 }, { unanswered: 2 }]) {
    const found = await sustainedRate(server(10_000, bad).probe, 10_000, 10, { steps: 3 });
    assert.equal(found.rate, 0, JSON.stringify(bad));
    assert.equal(found.result, undefined);
    assert.equal(found.probes.length, 3);
  }
});
