import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { scheduleHomeListRefresh, scheduleRetention, scheduleRetraining } from './scheduler.js';

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

/** A Gu for the retraining schedule: model versions created at the given times, and its trainings counted. */
function trainable(created: number[]) {
  const runs: number[] = [];
  return {
    runs,
    gu: {
      trainingRunning: false,
      stores: {
        meta: { get: async () => undefined },
        models: {
          list: async () =>
            created.map((createdAt) => ({ createdAt })).sort((a, b) => b.createdAt - a.createdAt),
        },
      },
      train: async () => {
        runs.push(Date.now());
        created.push(Date.now());
        return { promoted: [], held: [] };
      },
    },
  };
}

const HOUR = 3_600_000;
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('retraining counts the period from the newest model version, so restarts do not put it off', async () => {
  mock.timers.enable({ apis: ['setInterval', 'Date'], now: 1_000 * HOUR });
  try {
    // The newest version is 160 hours old when the server starts: the weekly run is due 8 hours later.
    const { gu, runs } = trainable([840 * HOUR]);
    const log = { info: () => undefined, error: () => undefined };
    const stop = scheduleRetraining(gu as never, 168, log);
    for (let h = 0; h < 7; h++) {
      mock.timers.tick(HOUR);
      await settle();
    }
    assert.deepEqual(runs, []);
    mock.timers.tick(HOUR);
    await settle();
    assert.deepEqual(runs, [1_008 * HOUR]);
    // The next one a week after that one, not an hour later.
    for (let h = 0; h < 167; h++) {
      mock.timers.tick(HOUR);
      await settle();
    }
    assert.equal(runs.length, 1);
    mock.timers.tick(HOUR);
    await settle();
    assert.equal(runs.length, 2);
    stop();
  } finally {
    mock.timers.reset();
  }
});

test('a failing retraining is not retried every hour', async () => {
  mock.timers.enable({ apis: ['setInterval', 'Date'], now: 1_000 * HOUR });
  try {
    const { gu } = trainable([]);
    let attempts = 0;
    gu.train = async () => {
      attempts++;
      throw new Error('no data');
    };
    const errors: unknown[] = [];
    const stop = scheduleRetraining(gu as never, 24, {
      info: () => undefined,
      error: (o: unknown) => errors.push(o),
    });
    for (let h = 0; h < 47; h++) {
      mock.timers.tick(HOUR);
      await settle();
    }
    assert.equal(attempts, 1, 'due 24 hours after the start, then 24 hours after that failure');
    mock.timers.tick(HOUR);
    await settle();
    assert.equal(attempts, 2);
    assert.equal(errors.length, 2);
    stop();
  } finally {
    mock.timers.reset();
  }
});

test('retention runs at once and then every period, logging only what it removed', async () => {
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    const results = [
      { logged: 40, events: 12, partitions: ['2025-01-01'] },
      { logged: 0, events: 0, partitions: [] },
      { logged: 3, events: 0, partitions: [] },
    ];
    let calls = 0;
    const logged: unknown[] = [];
    const gu = { expire: async () => results[calls++] };
    const stop = scheduleRetention(
      gu,
      { info: (o: unknown) => logged.push(o), error: () => undefined },
      1000,
    );
    await settle();
    assert.equal(calls, 1);
    mock.timers.tick(1000);
    await settle();
    mock.timers.tick(1000);
    await settle();
    assert.equal(calls, 3);
    assert.deepEqual(logged, [results[0], results[2]]);
    stop();
    mock.timers.tick(5000);
    assert.equal(calls, 3);
  } finally {
    mock.timers.reset();
  }
});
