import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { scheduleHomeListRefresh } from './scheduler.js';

test('home lists are prepared again every period, and no more once stopped', async () => {
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    let runs = 0;
    const logged: unknown[] = [];
    const gu = {
      prepareHomeLists: async () => ({
        model: 'm',
        shoppers: 2,
        prepared: 2,
        seconds: 0,
        complete: ++runs > 0,
      }),
    };
    const stop = scheduleHomeListRefresh(gu, 6, { info: (o: unknown) => logged.push(o) } as never);
    mock.timers.tick(6 * 3_600_000 - 1);
    assert.equal(runs, 0);
    mock.timers.tick(1);
    mock.timers.tick(6 * 3_600_000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(runs, 2);
    assert.equal(logged.length, 2);
    stop();
    mock.timers.tick(24 * 3_600_000);
    assert.equal(runs, 2);
    assert.equal(scheduleHomeListRefresh(gu, 0, { info: () => undefined } as never)(), undefined);
  } finally {
    mock.timers.reset();
  }
});
