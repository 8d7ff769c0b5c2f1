import { MemoryStorage } from '../storage.js';
import { Tracker, type TrackerOptions } from '../tracker.js';
import { FakeClock, FakeFetch, FakeWebSocket } from './fakes.js';

export interface Harness {
  tracker: Tracker;
  clock: FakeClock;
  fetch: FakeFetch;
  storage: MemoryStorage;
  errors: unknown[];
  /** A new tracker on the same storage, clock and fetch: the page reloaded. */
  reload(overrides?: Partial<TrackerOptions>): Tracker;
}

/**
 * A tracker wired to fakes: REST only unless `WebSocket` is given, no jitter (random 1), retries after
 * 1 s, 2 s, 4 s …, API on https://gu.test.
 */
export function harness(
  overrides: Partial<TrackerOptions> = {},
  parts: { clock?: FakeClock; fetch?: FakeFetch; storage?: MemoryStorage } = {},
): Harness {
  FakeWebSocket.reset();
  const clock = parts.clock ?? new FakeClock();
  const fetch = parts.fetch ?? FakeFetch.events();
  const storage = parts.storage ?? new MemoryStorage();
  const errors: unknown[] = [];
  const make = (more: Partial<TrackerOptions> = {}) =>
    new Tracker({
      baseUrl: 'https://gu.test',
      apiKey: 'pk_test',
      storage,
      fetch: fetch.fetch,
      now: clock.now,
      timers: clock,
      random: () => 1,
      env: {},
      onError: (e) => errors.push(e),
      ...overrides,
      ...more,
    });
  return { tracker: make(), clock, fetch, storage, errors, reload: make };
}
