import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventRejectedError, GuApiError } from './errors.js';
import { FakeWebSocket } from './testing/fakes.js';
import { harness } from './testing/harness.js';

const asWebSocket = FakeWebSocket as unknown as typeof WebSocket;

describe('Tracker: batching', () => {
  it('gathers events for flushIntervalMs and sends them as one batch', async () => {
    const { tracker, clock, fetch } = harness();
    tracker.view('a');
    tracker.view('b');
    await clock.advance(60);
    tracker.addToCart('b', 2, 125_000);
    await clock.advance(39);
    assert.equal(fetch.calls.length, 0, 'nothing before the window closes');
    assert.equal(tracker.pending, 3);
    await clock.advance(1);
    assert.equal(fetch.calls.length, 1);
    const [call] = fetch.calls;
    assert.equal(call.url, 'https://gu.test/v1/events');
    assert.equal(call.method, 'POST');
    assert.equal(call.headers['x-api-key'], 'pk_test');
    assert.equal(call.headers['content-type'], 'application/json');
    assert.deepEqual(
      fetch.batches[0].map((e) => [e.eventType, e.itemId]),
      [
        ['view', 'a'],
        ['view', 'b'],
        ['add_to_cart', 'b'],
      ],
    );
    assert.equal(fetch.batches[0][2].quantity, 2);
    assert.equal(fetch.batches[0][2].price, 125_000);
    assert.equal(tracker.pending, 0);
  });

  it('sends a full batch at once, never more than maxBatch events per batch', async () => {
    const { tracker, clock, fetch } = harness({ maxBatch: 10 });
    for (let i = 0; i < 10; i++) tracker.view(`item-${i}`);
    await clock.advance(0);
    assert.equal(fetch.calls.length, 1, 'the 10th event sends the batch without waiting');
    for (let i = 10; i < 25; i++) tracker.view(`item-${i}`);
    await clock.advance(100);
    assert.deepEqual(
      fetch.batches.map((b) => b.length),
      [10, 10, 5],
    );
    assert.deepEqual(
      fetch.batches.flat().map((e) => e.itemId),
      Array.from({ length: 25 }, (_, i) => `item-${i}`),
      'in order, each once',
    );
  });

  it('stamps each event with a time-ordered id, the time, the session and the context', async () => {
    const { tracker, clock, fetch } = harness({
      env: {
        location: { protocol: 'https:', host: 'shop.vn', pathname: '/p/ao-thun' },
        navigator: {
          userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile',
          language: 'vi-VN',
        },
      },
    });
    tracker.search('áo thun');
    tracker.view('a', { recommendationId: 'rec-1' });
    await clock.advance(100);
    const [search, view] = fetch.batches[0];
    assert.match(String(search.eventId), /^[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.ok(String(search.eventId) < String(view.eventId));
    assert.equal(search.timestamp, clock.time - 100);
    assert.equal(search.query, 'áo thun');
    assert.equal(search.sessionId, tracker.sessionId);
    assert.equal(search.userId, undefined);
    assert.deepEqual(search.context, { device: 'mobile', page: '/p/ao-thun', locale: 'vi-VN' });
    assert.equal(view.recommendationId, 'rec-1');
  });

  it('one impression per item and one purchase per order line', async () => {
    const { tracker, clock, fetch } = harness();
    tracker.impression('rec-9', ['a', 'b', 'c']);
    tracker.click('rec-9', 'b');
    tracker.purchase('order-1', [
      { itemId: 'b', quantity: 1, price: 99_000 },
      { itemId: 'c', quantity: 3, price: 15_000 },
    ]);
    tracker.removeFromCart('c');
    await clock.advance(100);
    assert.deepEqual(
      fetch.batches[0].map((e) => [e.eventType, e.itemId, e.recommendationId ?? e.orderId ?? null]),
      [
        ['recommendation_impression', 'a', 'rec-9'],
        ['recommendation_impression', 'b', 'rec-9'],
        ['recommendation_impression', 'c', 'rec-9'],
        ['recommendation_click', 'b', 'rec-9'],
        ['purchase', 'b', 'order-1'],
        ['purchase', 'c', 'order-1'],
        ['remove_from_cart', 'c', null],
      ],
    );
    assert.equal(fetch.batches[0][5].quantity, 3);
    assert.equal(fetch.batches[0][5].price, 15_000);
  });
});

describe('Tracker: WebSocket', () => {
  it('sends { id, events } over the open socket and drops events when the reply with that id comes', async () => {
    const { tracker, clock, fetch } = harness({ WebSocket: asWebSocket });
    tracker.view('a');
    const socket = FakeWebSocket.last!;
    assert.equal(socket.url, 'wss://gu.test/v1/events/stream?key=pk_test');
    socket.open();
    tracker.view('b');
    await clock.advance(100);
    assert.equal(fetch.calls.length, 0);
    assert.equal(socket.messages.length, 1);
    const { id, events } = socket.messages[0];
    assert.deepEqual(
      events.map((e) => e.itemId),
      ['a', 'b'],
    );
    socket.reply({ id: 'someone-else', accepted: 2, duplicates: 0, rejected: [] });
    await clock.advance(0);
    assert.equal(tracker.pending, 2, 'a reply to another batch acknowledges nothing');
    socket.reply({ id, accepted: 2, duplicates: 1, rejected: [] });
    await clock.advance(0);
    assert.equal(tracker.pending, 0);
  });

  it('sends batches one after another, each after the previous reply', async () => {
    const { tracker, clock } = harness({ WebSocket: asWebSocket, maxBatch: 2 });
    tracker.view('x');
    const socket = FakeWebSocket.last!;
    socket.open();
    await clock.advance(0);
    tracker.view('y');
    tracker.view('z');
    await clock.advance(100);
    assert.equal(socket.messages.length, 1);
    socket.ack();
    await clock.advance(0);
    assert.equal(socket.messages.length, 2);
    socket.ack();
    await clock.advance(0);
    assert.deepEqual(
      socket.messages.map((m) => m.events.length),
      [2, 1],
    );
    assert.notEqual(socket.messages[0].id, socket.messages[1].id);
    assert.equal(tracker.pending, 0);
  });

  it('falls back to REST while the socket is not open', async () => {
    const { tracker, clock, fetch } = harness({ WebSocket: asWebSocket });
    tracker.view('a'); // the socket is still connecting
    await clock.advance(100);
    assert.equal(fetch.batches.length, 1);
    assert.equal(tracker.pending, 0);
    assert.equal(FakeWebSocket.last!.sent.length, 0);
  });

  it('sends the batch over REST at once when the socket fails before replying', async () => {
    const { tracker, clock, fetch } = harness({ WebSocket: asWebSocket });
    tracker.view('a');
    FakeWebSocket.last!.open();
    await clock.advance(100);
    assert.equal(FakeWebSocket.last!.sent.length, 1);
    FakeWebSocket.last!.fail();
    await clock.advance(0);
    assert.deepEqual(
      fetch.batches.map((b) => b.map((e) => e.itemId)),
      [['a']],
    );
    assert.equal(tracker.pending, 0);
  });

  it('reconnects after the socket closes, with backoff, and uses it again', async () => {
    const { tracker, clock, fetch } = harness({ WebSocket: asWebSocket });
    tracker.view('a');
    FakeWebSocket.last!.open();
    FakeWebSocket.last!.fail();
    assert.equal(FakeWebSocket.instances.length, 1);
    await clock.advance(1000);
    assert.equal(FakeWebSocket.instances.length, 2, 'a new socket after 1 s');
    FakeWebSocket.last!.open();
    await clock.advance(0);
    // The first event went over REST meanwhile, or over the new socket: either way once.
    const overSocket = FakeWebSocket.last!.messages.flatMap((m) => m.events);
    assert.equal(fetch.batches.flat().length + overSocket.length, 1);
    if (overSocket.length) FakeWebSocket.last!.ack();
    tracker.view('b');
    await clock.advance(100);
    assert.equal(FakeWebSocket.last!.messages.at(-1)!.events[0].itemId, 'b');
  });

  it('takes a socket that does not reply in time for dead and sends over REST', async () => {
    const { tracker, clock, fetch } = harness({ WebSocket: asWebSocket, ackTimeoutMs: 5000 });
    tracker.view('a');
    FakeWebSocket.last!.open();
    await clock.advance(100);
    await clock.advance(4999);
    assert.equal(fetch.calls.length, 0);
    await clock.advance(1);
    assert.equal(fetch.batches.length, 1);
    assert.equal(tracker.pending, 0);
  });

  it('retries over REST when the stream replies with a server error', async () => {
    const { tracker, clock, fetch } = harness({ WebSocket: asWebSocket });
    tracker.view('a');
    const socket = FakeWebSocket.last!;
    socket.open();
    await clock.advance(100);
    socket.reply({ id: socket.messages[0].id, error: { code: 'NOT_READY', message: 'Gu is starting' } });
    await clock.advance(0);
    assert.equal(fetch.batches.length, 1);
    assert.equal(tracker.pending, 0);
  });
  it('a batch the socket took without an answer stays marked as sent when REST then refuses it', async () => {
    const week = 7 * 86_400_000;
    const { tracker, clock, fetch, errors } = harness({
      WebSocket: asWebSocket,
      retry: { baseMs: week, maxMs: week },
    });
    fetch.answer({
      status: 401,
      body: { error: { code: 'UNAUTHORIZED', message: 'an API key is required' } },
    });
    tracker.view('a');
    FakeWebSocket.last!.open();
    await clock.advance(100);
    FakeWebSocket.last!.fail(); // it may have arrived; REST then answers 401 for its own attempt only
    await clock.advance(0);
    assert.equal(fetch.batches.length, 1);
    await clock.advance(week);
    assert.equal(tracker.pending, 0, 'dropped, not sent again a week later');
    assert.equal(fetch.batches.length, 1);
    assert.match(String(errors.at(-1)), /dropped 1 queued event/);
  });
});

describe('Tracker: retries', () => {
  it('retries after a 503 with exponential backoff, keeping the events until acknowledged', async () => {
    const { tracker, clock, fetch } = harness();
    fetch.answer(
      { status: 503, body: { error: { code: 'NOT_READY', message: 'Gu is starting' } } },
      { status: 503, body: { error: { code: 'NOT_READY', message: 'Gu is starting' } } },
    );
    tracker.view('a');
    await clock.advance(100);
    assert.equal(fetch.calls.length, 1);
    assert.equal(tracker.pending, 1);
    tracker.view('b'); // no send during the backoff
    await clock.advance(999);
    assert.equal(fetch.calls.length, 1);
    await clock.advance(1);
    assert.equal(fetch.calls.length, 2, 'first retry after 1 s');
    await clock.advance(1999);
    assert.equal(fetch.calls.length, 2);
    await clock.advance(1);
    assert.equal(fetch.calls.length, 3, 'second retry after 2 s more');
    assert.deepEqual(
      fetch.batches.map((b) => b.map((e) => e.itemId)),
      [['a'], ['a', 'b'], ['a', 'b']],
    );
    assert.equal(tracker.pending, 0);
    assert.equal(
      new Set(fetch.batches.flat().map((e) => e.eventId)).size,
      2,
      'a retry sends the same event ids',
    );
  });

  it('retries after a network error', async () => {
    const { tracker, clock, fetch } = harness();
    fetch.answer(new TypeError('Failed to fetch'));
    tracker.view('a');
    await clock.advance(100);
    assert.equal(tracker.pending, 1);
    await clock.advance(1000);
    assert.equal(fetch.calls.length, 2);
    assert.equal(tracker.pending, 0);
  });

  it('caps the backoff and resets it after a success', async () => {
    const { tracker, clock, fetch } = harness({ retry: { baseMs: 1000, maxMs: 4000 } });
    for (let i = 0; i < 5; i++)
      fetch.answer({ status: 500, body: { error: { code: 'INTERNAL', message: '' } } });
    tracker.view('a');
    await clock.advance(100); // attempt 1 fails
    const times: number[] = [];
    for (let t = 0; t < 20_000 && tracker.pending; t += 500) {
      const before = fetch.calls.length;
      await clock.advance(500);
      if (fetch.calls.length > before) times.push(clock.time);
    }
    const gaps = times.map((t, i) => t - (i ? times[i - 1] : times[0] - 1000));
    assert.deepEqual(gaps, [1000, 2000, 4000, 4000, 4000]);
    fetch.answer({ status: 503, body: {} });
    tracker.view('b');
    await clock.advance(100);
    await clock.advance(1000);
    assert.equal(tracker.pending, 0, 'back to 1 s after a success');
  });

  it('flush() skips the backoff wait', async () => {
    const { tracker, clock, fetch } = harness();
    fetch.answer(new TypeError('offline'));
    tracker.view('a');
    await clock.advance(100);
    await tracker.flush();
    assert.equal(fetch.calls.length, 2);
    assert.equal(tracker.pending, 0);
  });

  it('retries at once when the browser comes back online', async () => {
    const window = new EventTarget();
    const { tracker, clock, fetch } = harness({ env: { window } });
    fetch.answer(new TypeError('offline'));
    tracker.view('a');
    await clock.advance(100);
    assert.equal(tracker.pending, 1);
    window.dispatchEvent(new Event('online'));
    await clock.advance(0);
    assert.equal(fetch.calls.length, 2);
    assert.equal(tracker.pending, 0);
  });

  it('keeps events and reports a wrong API key', async () => {
    const { tracker, clock, fetch, errors } = harness();
    fetch.answer({ status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'unknown API key' } } });
    tracker.view('a');
    await clock.advance(100);
    assert.equal(tracker.pending, 1);
    assert.ok(errors[0] instanceof GuApiError && errors[0].code === 'UNAUTHORIZED');
    await clock.advance(1000);
    assert.equal(tracker.pending, 0);
  });
});

describe('Tracker: rejected events', () => {
  it('reports rejected events to onError and does not send them again', async () => {
    const { tracker, clock, fetch, errors } = harness();
    fetch.answer({
      status: 200,
      body: {
        accepted: 1,
        duplicates: 0,
        rejected: [
          { index: 1, id: 'x', errors: [{ path: 'itemId', message: 'is required for view events' }] },
        ],
      },
    });
    tracker.view('a');
    tracker.track({ eventType: 'view' });
    await clock.advance(100);
    assert.equal(tracker.pending, 0);
    assert.equal(errors.length, 1);
    const error = errors[0] as EventRejectedError;
    assert.ok(error instanceof EventRejectedError);
    assert.equal(error.event?.eventType, 'view');
    assert.equal(error.event?.itemId, undefined);
    assert.deepEqual(error.errors, [{ path: 'itemId', message: 'is required for view events' }]);
    await clock.advance(120_000);
    assert.equal(fetch.calls.length, 1);
  });

  it('acknowledges a batch answered 400 INVALID_EVENTS, reporting each event', async () => {
    const { tracker, clock, fetch, errors } = harness();
    const rejected = [0, 1].map((index) => ({ index, errors: [{ path: 'itemId', message: 'is required' }] }));
    fetch.answer({
      status: 400,
      body: { error: { code: 'INVALID_EVENTS', message: 'none valid', details: rejected } },
    });
    tracker.track({ eventType: 'add_to_cart' });
    tracker.track({ eventType: 'purchase' });
    await clock.advance(100);
    assert.equal(tracker.pending, 0);
    assert.deepEqual(
      errors.map((e) => (e as EventRejectedError).event?.eventType),
      ['add_to_cart', 'purchase'],
    );
    await clock.advance(60_000);
    assert.equal(fetch.calls.length, 1);
  });

  it('reports rejections that come over the socket', async () => {
    const { tracker, clock, errors } = harness({ WebSocket: asWebSocket });
    tracker.view('a');
    FakeWebSocket.last!.open();
    await clock.advance(100);
    const { id } = FakeWebSocket.last!.messages[0];
    FakeWebSocket.last!.reply({ id, accepted: 0, duplicates: 0, rejected: [{ index: 0, errors: [] }] });
    await clock.advance(0);
    assert.equal(tracker.pending, 0);
    assert.ok(errors[0] instanceof EventRejectedError);
  });

  it('drops a batch the server refuses as malformed, reporting it', async () => {
    const { tracker, clock, fetch, errors } = harness();
    fetch.answer({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'too large' } } });
    tracker.view('a');
    await clock.advance(100);
    assert.equal(tracker.pending, 0);
    assert.equal((errors[0] as GuApiError).status, 413);
    await clock.advance(60_000);
    assert.equal(fetch.calls.length, 1);
  });
});
