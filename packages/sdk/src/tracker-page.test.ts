import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SESSION_IDLE_MS } from './session.js';
import { FakeClock, settle } from './testing/fakes.js';
import { harness } from './testing/harness.js';
import type { EventInput } from './types.js';

describe('Tracker: offline queue', () => {
  it('loses nothing across a reload: the queue is restored and sent by the next page', async () => {
    const { tracker, clock, fetch, storage, reload } = harness();
    fetch.answer(new TypeError('offline'), new TypeError('offline'));
    tracker.view('a');
    tracker.addToCart('a');
    await clock.advance(100); // fails
    tracker.view('b'); // queued during the backoff; the page reloads before any retry
    await settle();
    const sentIds = new Set(fetch.batches.flat().map((e) => e.eventId));
    assert.equal(sentIds.size, 2);

    const next = reload();
    assert.equal(next.pending, 3);
    await clock.advance(100); // second failure (scripted), then retry
    await clock.advance(1000);
    assert.equal(next.pending, 0);
    const last = fetch.batches.at(-1)!;
    assert.deepEqual(
      last.map((e) => [e.eventType, e.itemId]),
      [
        ['view', 'a'],
        ['add_to_cart', 'a'],
        ['view', 'b'],
      ],
    );
    assert.ok(
      [...sentIds].every((id) => last.some((e) => e.eventId === id)),
      'same event ids',
    );
    assert.deepEqual(JSON.parse(storage.getItem('gu.queues')!), [], 'nothing left in storage');
  });

  it('empties storage once everything is acknowledged', async () => {
    const { tracker, clock, storage, reload } = harness();
    tracker.view('a');
    await clock.advance(100);
    assert.equal(tracker.pending, 0);
    assert.deepEqual(JSON.parse(storage.getItem('gu.queues')!), []);
    assert.equal(reload().pending, 0);
  });

  it('two tabs keep their own queues, and a new page adopts both', async () => {
    const first = harness();
    first.fetch.answer(new TypeError('offline'));
    const second = first.reload();
    first.fetch.answer(new TypeError('offline'));
    first.tracker.view('from-tab-1');
    second.view('from-tab-2');
    await first.clock.advance(100);
    assert.equal(first.tracker.pending, 1);
    assert.equal(second.pending, 1);
    const third = first.reload();
    assert.equal(third.pending, 2);
  });

  it('is bounded: past maxQueue the oldest events are dropped, reported once', async () => {
    const { tracker, fetch, errors } = harness({ maxQueue: 5 });
    for (let i = 0; i < 8; i++) tracker.view(`item-${i}`);
    assert.equal(tracker.pending, 5);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /queue is full/);
    await tracker.flush();
    assert.deepEqual(
      fetch.batches[0].map((e) => e.itemId),
      ['item-3', 'item-4', 'item-5', 'item-6', 'item-7'],
    );
    assert.equal(tracker.pending, 0);
  });

  it('close() sends what is queued and stops', async () => {
    const { tracker, clock, fetch } = harness();
    tracker.view('a');
    await tracker.close();
    assert.equal(fetch.batches.length, 1);
    assert.equal(tracker.pending, 0);
    assert.deepEqual(clock.pendingTimers, []);
  });

  it('keeps working in memory when storage refuses writes', async () => {
    const errors: unknown[] = [];
    const broken = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    const { tracker, clock, fetch } = harness({ storage: broken, onError: (e) => errors.push(e) });
    tracker.view('a');
    const session = tracker.sessionId;
    tracker.view('b');
    await clock.advance(100);
    assert.equal(fetch.batches[0].length, 2);
    assert.ok(fetch.batches[0].every((e) => e.sessionId === session));
    assert.equal(errors.length, 1, 'reported once');
  });
});

describe('Tracker: page hidden', () => {
  const page = () => {
    const window = Object.assign(new EventTarget(), { innerWidth: 1280 });
    const document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    const beacons: { url: string; data: Blob | string }[] = [];
    const sendBeacon = (url: string, data: Blob | string) => {
      beacons.push({ url, data });
      return true;
    };
    return { window, document, beacons, sendBeacon };
  };
  const eventsOf = async (data: Blob | string): Promise<EventInput[]> =>
    JSON.parse(typeof data === 'string' ? data : await data.text());

  it('beacons the queue on pagehide to /v1/events?key=, as a JSON Blob', async () => {
    const { window, document, beacons, sendBeacon } = page();
    const { tracker } = harness({ env: { window, document }, sendBeacon });
    tracker.view('a');
    tracker.click('rec-1', 'b');
    window.dispatchEvent(new Event('pagehide'));
    assert.equal(beacons.length, 1);
    assert.equal(beacons[0].url, 'https://gu.test/v1/events?key=pk_test');
    assert.ok(beacons[0].data instanceof Blob);
    assert.equal((beacons[0].data as Blob).type, 'application/json');
    const events = await eventsOf(beacons[0].data);
    assert.deepEqual(
      events.map((e) => [e.eventType, e.itemId]),
      [
        ['view', 'a'],
        ['recommendation_click', 'b'],
      ],
    );
    assert.equal(events[0].context?.device, 'desktop');
    assert.equal(tracker.pending, 2, 'kept until acknowledged: the server deduplicates a resend');
  });

  it('beacons on visibilitychange to hidden, each event once per page', async () => {
    const { window, document, beacons, sendBeacon } = page();
    const { tracker } = harness({ env: { window, document }, sendBeacon });
    document.dispatchEvent(new Event('visibilitychange'));
    tracker.view('a');
    assert.equal(beacons.length, 0, 'not while visible');
    document.visibilityState = 'hidden';
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event('pagehide'));
    assert.equal(beacons.length, 1);
    tracker.view('b');
    window.dispatchEvent(new Event('pagehide'));
    assert.equal(beacons.length, 2);
    assert.deepEqual(
      (await eventsOf(beacons[1].data)).map((e) => e.itemId),
      ['b'],
    );
  });

  it('splits a large queue into beacons of at most maxBatch events', async () => {
    const { window, beacons, sendBeacon } = page();
    const { tracker } = harness({ env: { window }, sendBeacon, maxBatch: 500, flushIntervalMs: 10_000 });
    for (let i = 0; i < 450; i++) tracker.search(`query ${i} ${'x'.repeat(200)}`);
    window.dispatchEvent(new Event('pagehide'));
    assert.ok(beacons.length > 1);
    let total = 0;
    for (const b of beacons) {
      const body = typeof b.data === 'string' ? b.data : await b.data.text();
      assert.ok(body.length <= 64_000);
      total += JSON.parse(body).length;
    }
    assert.equal(total, 450);
  });

  it('the queue saved on pagehide is restored by the next page', async () => {
    const { window, sendBeacon } = page();
    const { tracker, reload } = harness({ env: { window }, sendBeacon });
    tracker.view('a');
    window.dispatchEvent(new Event('pagehide'));
    assert.equal(reload({ env: {} }).pending, 1);
  });

  it('a next page days later sends again what went out unacknowledged, within the days the server knows its ids', async () => {
    /** An event goes out once, by POST (its answer lost) or by beacon, and the next page comes days later. */
    const nextPage = async (days: number, by: 'post' | 'beacon') => {
      const { window, sendBeacon } = page();
      const first = harness({ env: { window }, sendBeacon: by === 'beacon' ? sendBeacon : () => false });
      first.fetch.answer(new TypeError('offline'));
      first.tracker.view('a');
      if (by === 'post') await first.clock.advance(100);
      window.dispatchEvent(new Event('pagehide'));
      const clock = new FakeClock(first.clock.time + days * 86_400_000);
      const later = harness({}, { clock, storage: first.storage });
      return { pending: later.tracker.pending, errors: later.errors.map(String) };
    };
    for (const by of ['post', 'beacon'] as const) {
      assert.deepEqual(await nextPage(5, by), { pending: 1, errors: [] }, by);
      const week = await nextPage(7, by);
      assert.equal(week.pending, 0, by);
      assert.match(week.errors[0], /dropped 1 queued event\(s\) first sent over 6 days ago/, by);
    }
  });

  it('a tab left open drops, rather than sends again, what it first sent over six days ago', async () => {
    const week = 7 * 86_400_000;
    const { tracker, clock, fetch, errors } = harness({ retry: { baseMs: week, maxMs: week } });
    fetch.answer(new TypeError('offline'));
    tracker.view('a'); // sent, its answer lost; the next try is a week away (a laptop asleep)
    await clock.advance(100);
    const calls = fetch.batches.length;
    await clock.advance(week);
    assert.equal(fetch.batches.length, calls, 'not sent again');
    assert.equal(tracker.pending, 0);
    assert.match(String(errors.at(-1)), /dropped 1 queued event\(s\) first sent over 6 days ago/);
  });

  it('an answer that the server did not take the events marks nothing: they are kept until it does', async () => {
    const week = 7 * 86_400_000;
    const { tracker, clock, fetch } = harness({ retry: { baseMs: week, maxMs: week } });
    fetch.answer({
      status: 401,
      body: { error: { code: 'UNAUTHORIZED', message: 'an API key is required' } },
    });
    tracker.view('a');
    await clock.advance(100);
    await clock.advance(week); // the shop fixed its key meanwhile
    assert.equal(tracker.pending, 0);
    assert.deepEqual(
      fetch.batches.map((b) => b.map((e) => e.itemId)),
      [['a'], ['a']],
    );
  });

  it('a batch is marked before it goes out: a page that dies before the answer leaves the mark', async () => {
    const { window } = page();
    const hanging = () => new Promise<Response>(() => undefined);
    const first = harness({ env: { window }, sendBeacon: () => false, fetch: hanging });
    first.tracker.view('a');
    await first.clock.advance(100); // the POST goes out; its answer never comes
    window.dispatchEvent(new Event('pagehide')); // and no beacon takes it: the budget is spent
    const later = harness(
      {},
      { clock: new FakeClock(first.clock.time + 7 * 86_400_000), storage: first.storage },
    );
    assert.equal(later.tracker.pending, 0);
    assert.match(String(later.errors[0]), /dropped 1 queued event/);
  });

  it('what was never sent is kept however long the next page takes', async () => {
    const { window } = page();
    const { tracker, clock, storage } = harness({ env: { window }, sendBeacon: () => false });
    tracker.view('a'); // the page goes before the batching window ends, and the beacon budget is spent
    window.dispatchEvent(new Event('pagehide'));
    const later = harness({}, { clock: new FakeClock(clock.time + 30 * 86_400_000), storage });
    assert.equal(later.tracker.pending, 1);
    assert.deepEqual(later.errors, []);
  });
});

describe('Tracker: who', () => {
  it('identify(): later events carry both userId and sessionId', async () => {
    const { tracker, clock, fetch } = harness();
    tracker.view('a');
    const session = tracker.sessionId;
    tracker.identify('u-42');
    tracker.addToCart('a');
    await clock.advance(100);
    const [before, after] = fetch.batches[0];
    assert.equal(before.userId, undefined);
    assert.equal(before.sessionId, session);
    assert.equal(after.userId, 'u-42');
    assert.equal(after.sessionId, session, 'the same session: the server merges it into the user');
  });

  it('remembers the user across reloads; signOut() forgets it and starts a new session', async () => {
    const { tracker, clock, fetch, reload } = harness();
    tracker.identify('u-42');
    const session = tracker.sessionId;
    const next = reload();
    assert.equal(next.userId, 'u-42');
    assert.equal(next.sessionId, session);
    next.signOut();
    assert.equal(next.userId, undefined);
    assert.notEqual(next.sessionId, session);
    next.view('a');
    await clock.advance(100);
    assert.equal(fetch.batches[0][0].userId, undefined);
  });

  it('renews the session after 30 minutes without events', async () => {
    const { tracker, clock, fetch } = harness();
    tracker.view('a');
    const first = tracker.sessionId;
    await clock.advance(SESSION_IDLE_MS - 1000);
    tracker.view('b');
    assert.equal(tracker.sessionId, first, 'activity within 30 minutes keeps the session');
    await clock.advance(SESSION_IDLE_MS + 1);
    const second = tracker.sessionId;
    assert.notEqual(second, first);
    tracker.view('c');
    await clock.advance(100);
    assert.deepEqual(
      fetch.batches.flat().map((e) => e.sessionId),
      [first, first, second],
    );
  });

  it('reading the session id does not keep an idle session alive', async () => {
    const { tracker, clock } = harness();
    tracker.view('a');
    const first = tracker.sessionId;
    await clock.advance(20 * 60_000);
    assert.equal(tracker.sessionId, first);
    await clock.advance(20 * 60_000);
    assert.notEqual(tracker.sessionId, first);
  });
});
