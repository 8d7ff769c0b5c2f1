import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { installed } from './installed.js';
import { machineStalls } from './machine-stalls.js';

test('machineStalls spins on every core and sums the gaps it saw', async () => {
  const cores = await machineStalls(0.3);
  assert.equal(cores.length, availableParallelism());
  cores.forEach((c, k) => {
    if (installed('taskset')) assert.equal(c.cpu, k);
    assert.ok(c.stalls >= 0 && Number.isInteger(c.stalls));
    if (c.stalls === 0) assert.equal(c.lostMs, 0);
    else {
      assert.ok(c.longestMs >= 0.5, `a stall is 0.5 ms or more, not ${c.longestMs}`);
      assert.ok(c.lostMs >= c.longestMs && c.lostMs < 300, JSON.stringify(c));
    }
  });
});
