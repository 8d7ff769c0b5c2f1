import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventCode, type EventType, type ShopEvent } from '../domain/events.js';
import { RECENT_CAPACITY, SESSION_GAP_MS, ShopperStates } from './shopper-states.js';

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
let serial = 0;

const ev = (
  eventType: EventType,
  itemId: string | undefined,
  minute: number,
  over: Partial<ShopEvent> = {},
) =>
  ({
    eventId: `e${++serial}`,
    eventType,
    userId: 'u1',
    ...(itemId ? { itemId } : {}),
    timestamp: T0 + minute * MINUTE,
    receivedAt: T0 + minute * MINUTE,
    ...over,
  }) as ShopEvent;

const recentIds = (states: ShopperStates, key: string) => states.get(key)?.recent.items;
const cartOf = (states: ShopperStates, key: string) => Object.fromEntries(states.get(key)?.cart ?? []);

describe('ShopperStates', () => {
  test('starts a shopper on the first event and records item events with type and time', () => {
    const states = new ShopperStates();
    assert.equal(states.get('u:u1'), undefined);
    states.apply('u:u1', ev('view', 'i1', 0));
    assert.equal(states.size, 1);
    const s = states.get('u:u1')!;
    assert.deepEqual(s.recent, { items: ['i1'], types: [EventCode.view], times: [T0] });
    assert.equal(s.sessionStart, T0);
    assert.equal(s.lastSeen, T0);
    assert.equal(s.version, 1);
  });

  test('keeps views, cart adds, purchases and clicks in recent; not removals, impressions or searches', () => {
    const states = new ShopperStates();
    states.apply('u:u1', ev('view', 'i1', 0));
    states.apply('u:u1', ev('add_to_cart', 'i2', 1));
    states.apply('u:u1', ev('remove_from_cart', 'i2', 2));
    states.apply('u:u1', ev('recommendation_impression', 'i3', 3));
    states.apply('u:u1', ev('recommendation_click', 'i4', 4));
    states.apply('u:u1', ev('search', undefined, 5, { query: 'shoes' }));
    states.apply('u:u1', ev('purchase', 'i5', 6));
    assert.deepEqual(
      states.get('u:u1')!.recent.items.map((item, k) => [item, states.get('u:u1')!.recent.types[k]]),
      [
        ['i1', EventCode.view],
        ['i2', EventCode.add_to_cart],
        ['i4', EventCode.recommendation_click],
        ['i5', EventCode.purchase],
      ],
    );
  });

  test(`keeps the latest ${RECENT_CAPACITY} item events`, () => {
    const states = new ShopperStates();
    for (let k = 0; k < RECENT_CAPACITY + 5; k++) states.apply('u:u1', ev('view', `i${k}`, k));
    const recent = recentIds(states, 'u:u1')!;
    assert.equal(recent.length, RECENT_CAPACITY);
    assert.equal(recent[0], 'i5');
    assert.equal(recent.at(-1), `i${RECENT_CAPACITY + 4}`);
  });

  test('cart: adds sum quantities, removals subtract (all without a quantity), purchases check out', () => {
    const states = new ShopperStates();
    states.apply('u:u1', ev('add_to_cart', 'i1', 0));
    states.apply('u:u1', ev('add_to_cart', 'i1', 1, { quantity: 2 }));
    states.apply('u:u1', ev('add_to_cart', 'i2', 2, { quantity: 4 }));
    states.apply('u:u1', ev('add_to_cart', 'i3', 3));
    assert.deepEqual(cartOf(states, 'u:u1'), { i1: 3, i2: 4, i3: 1 });
    states.apply('u:u1', ev('remove_from_cart', 'i2', 4, { quantity: 1 }));
    assert.deepEqual(cartOf(states, 'u:u1'), { i1: 3, i2: 3, i3: 1 });
    states.apply('u:u1', ev('remove_from_cart', 'i2', 5, { quantity: 3 }));
    assert.deepEqual(cartOf(states, 'u:u1'), { i1: 3, i3: 1 });
    states.apply('u:u1', ev('remove_from_cart', 'i1', 6));
    assert.deepEqual(cartOf(states, 'u:u1'), { i3: 1 });
    states.apply('u:u1', ev('remove_from_cart', 'nope', 7, { quantity: 1 }));
    assert.deepEqual(cartOf(states, 'u:u1'), { i3: 1 });
    states.apply('u:u1', ev('purchase', 'i3', 8));
    assert.deepEqual(cartOf(states, 'u:u1'), {});
  });

  test("each shopper's cart is their own, also after one was emptied and filled again", () => {
    const states = new ShopperStates();
    states.apply('u:a', ev('view', 'i1', 0, { userId: 'a' }));
    states.apply('u:b', ev('add_to_cart', 'i1', 0, { userId: 'b' }));
    assert.deepEqual(cartOf(states, 'u:a'), {});
    states.apply('u:b', ev('purchase', 'i1', 1, { userId: 'b' }));
    states.apply('u:a', ev('add_to_cart', 'i2', 2, { userId: 'a' }));
    states.apply('u:b', ev('add_to_cart', 'i3', 3, { userId: 'b' }));
    states.apply('u:c', ev('remove_from_cart', 'i2', 4, { userId: 'c' }));
    assert.deepEqual(cartOf(states, 'u:a'), { i2: 1 });
    assert.deepEqual(cartOf(states, 'u:b'), { i3: 1 });
    assert.deepEqual(cartOf(states, 'u:c'), {});
  });

  test('a gap of more than 30 minutes starts a new session', () => {
    const states = new ShopperStates();
    states.apply('u:u1', ev('view', 'i1', 0));
    states.apply('u:u1', ev('view', 'i2', 20));
    states.apply('u:u1', ev('view', 'i3', 50)); // exactly 30 minutes later: the same session
    assert.equal(SESSION_GAP_MS, 30 * MINUTE);
    assert.equal(states.get('u:u1')!.sessionStart, T0);
    states.apply('u:u1', ev('view', 'i4', 81)); // 31 minutes later
    assert.equal(states.get('u:u1')!.sessionStart, T0 + 81 * MINUTE);
    assert.equal(states.get('u:u1')!.lastSeen, T0 + 81 * MINUTE);
    // A late event from before does not start a session nor move lastSeen back.
    states.apply('u:u1', ev('view', 'i0', 10));
    assert.equal(states.get('u:u1')!.sessionStart, T0 + 81 * MINUTE);
    assert.equal(states.get('u:u1')!.lastSeen, T0 + 81 * MINUTE);
  });

  test('every applied event bumps the version, even one that changes nothing visible', () => {
    const states = new ShopperStates();
    const versions = [
      ev('view', 'i1', 0),
      ev('search', undefined, 1, { query: 'q' }),
      ev('recommendation_impression', 'i2', 2),
    ].map((e) => (states.apply('u:u1', e), states.version('u:u1')));
    assert.deepEqual(versions, [1, 2, 3]);
  });

  test('merge (login): the session history joins the user in time order, carts add up, version bumps', () => {
    const states = new ShopperStates();
    states.apply('u:u1', ev('view', 'u-early', 0));
    states.apply('s:s1', ev('view', 's-1', 5, { userId: undefined, sessionId: 's1' }));
    states.apply('s:s1', ev('add_to_cart', 'c1', 6, { userId: undefined, sessionId: 's1' }));
    states.apply('u:u1', ev('add_to_cart', 'c1', 7, { quantity: 2 }));
    states.apply('u:u1', ev('view', 'u-late', 8));
    const before = states.get('u:u1')!.version;
    const sessionVersion = states.get('s:s1')!.version;

    states.merge('s:s1', 'u:u1');
    assert.equal(states.get('s:s1'), undefined);
    assert.equal(states.size, 1);
    const s = states.get('u:u1')!;
    assert.deepEqual(recentIds(states, 'u:u1'), ['u-early', 's-1', 'c1', 'c1', 'u-late']);
    assert.deepEqual(cartOf(states, 'u:u1'), { c1: 3 });
    assert.equal(s.sessionStart, T0);
    assert.equal(s.lastSeen, T0 + 8 * MINUTE);
    assert.ok(s.version > before, 'cached answers for the user go stale');
    assert.ok(s.version > sessionVersion);
  });

  test('merge: the current session is the latest one, joined with the other only when they touch', () => {
    const states = new ShopperStates();
    const DAY = 24 * 60; // minutes
    states.apply('u:u1', ev('view', 'old', -3 * DAY));
    states.apply('s:s1', ev('view', 'a', 0, { userId: undefined, sessionId: 's1' }));
    states.apply('s:s1', ev('view', 'b', 10, { userId: undefined, sessionId: 's1' }));
    states.merge('s:s1', 'u:u1');
    assert.equal(states.get('u:u1')!.sessionStart, T0, 'not the visit three days ago');
    assert.equal(states.get('u:u1')!.lastSeen, T0 + 10 * MINUTE);

    // The user was browsing (logged in elsewhere) up to 20 minutes before the session started: one session.
    states.apply('u:u2', ev('view', 'x', 100, { userId: 'u2' }));
    states.apply('s:s2', ev('view', 'y', 120, { userId: undefined, sessionId: 's2' }));
    states.merge('s:s2', 'u:u2');
    assert.equal(states.get('u:u2')!.sessionStart, T0 + 100 * MINUTE);
  });

  test('merge into a user without state moves the session state; merge of an unknown session is a no-op', () => {
    const states = new ShopperStates();
    states.apply('s:s1', ev('view', 'i1', 0, { userId: undefined, sessionId: 's1' }));
    states.merge('s:s1', 'u:u1');
    assert.deepEqual(recentIds(states, 'u:u1'), ['i1']);
    assert.equal(states.get('s:s1'), undefined);
    assert.ok(states.get('u:u1')!.version > 0);

    states.merge('s:nope', 'u:u1');
    assert.deepEqual(recentIds(states, 'u:u1'), ['i1']);
    assert.equal(states.size, 1);
  });

  test('merge keeps the latest items up to the capacity', () => {
    const states = new ShopperStates();
    for (let k = 0; k < RECENT_CAPACITY; k++) {
      states.apply('u:u1', ev('view', `u${k}`, 2 * k));
      states.apply('s:s1', ev('view', `s${k}`, 2 * k + 1, { userId: undefined, sessionId: 's1' }));
    }
    states.merge('s:s1', 'u:u1');
    const recent = recentIds(states, 'u:u1')!;
    assert.equal(recent.length, RECENT_CAPACITY);
    assert.equal(recent.at(-1), `s${RECENT_CAPACITY - 1}`);
    assert.equal(recent[0], `u${RECENT_CAPACITY / 2}`);
  });

  test('erase forgets the shopper', () => {
    const states = new ShopperStates();
    states.apply('u:u1', ev('view', 'i1', 0));
    states.erase('u:u1');
    assert.equal(states.get('u:u1'), undefined);
    assert.equal(states.size, 0);
    states.erase('u:nobody');
  });
  test('recentItems reads the items of the latest events alone', () => {
    const states = new ShopperStates();
    states.apply('u:u1', ev('view', 'i1', 0));
    states.apply('u:u1', ev('add_to_cart', 'i2', 1));
    assert.deepEqual(states.recentItems('u:u1'), ['i1', 'i2']);
    assert.deepEqual(states.recentItems('u:u1'), states.get('u:u1')!.recent.items);
    assert.deepEqual(states.recentItems('u:nobody'), []);
  });

  test('a state is a copy: later events do not change what was read', () => {
    const states = new ShopperStates();
    states.apply('u:u1', ev('add_to_cart', 'i1', 0));
    const before = states.get('u:u1')!;
    states.apply('u:u1', ev('view', 'i2', 1));
    states.apply('u:u1', ev('purchase', 'i1', 2));
    assert.deepEqual(before.recent.items, ['i1']);
    assert.deepEqual(Object.fromEntries(before.cart), { i1: 1 });
    assert.deepEqual(recentIds(states, 'u:u1'), ['i1', 'i2', 'i1']);
  });

  test('versions are never the same for two states, also for a shopper erased and seen again', () => {
    const states = new ShopperStates();
    states.apply('u:u1', ev('view', 'i1', 0));
    const first = states.version('u:u1');
    states.erase('u:u1');
    assert.equal(states.version('u:u1'), undefined);
    states.apply('u:u2', ev('view', 'i1', 0, { userId: 'u2' }));
    states.apply('u:u1', ev('view', 'i1', 1));
    const seen = [first, states.version('u:u1'), states.version('u:u2')];
    assert.equal(new Set(seen).size, 3);
  });

  test('thousands of shoppers each keep their own history and cart, across blocks and reused places', () => {
    const states = new ShopperStates();
    const n = 10_000; // more than one block of columns
    for (let u = 0; u < n; u++) {
      const userId = `u${u}`;
      states.apply(`u:${userId}`, ev('view', `i${u % 97}`, 0, { userId }));
      states.apply(`u:${userId}`, ev('add_to_cart', `c${u % 13}`, 1, { userId, quantity: (u % 5) + 1 }));
    }
    // Every third shopper leaves; as many new ones take their places.
    for (let u = 0; u < n; u += 3) states.erase(`u:u${u}`);
    for (let u = 0; u < n; u += 3) states.apply(`u:new${u}`, ev('view', `n${u}`, 2, { userId: `new${u}` }));
    assert.equal(states.size, n);
    for (let u = 0; u < n; u++) {
      const s = states.get(`u:u${u}`);
      if (u % 3 === 0) {
        assert.equal(s, undefined);
        assert.deepEqual(states.get(`u:new${u}`)!.recent.items, [`n${u}`]);
        assert.equal(states.get(`u:new${u}`)!.cart.size, 0);
        continue;
      }
      assert.deepEqual(s!.recent.items, [`i${u % 97}`, `c${u % 13}`]);
      assert.deepEqual(Object.fromEntries(s!.cart), { [`c${u % 13}`]: (u % 5) + 1 });
    }
  });

  test('holds each item id only while some state holds it', () => {
    const states = new ShopperStates();
    for (let k = 0; k < RECENT_CAPACITY + 10; k++) states.apply('u:u1', ev('view', `i${k}`, k));
    assert.equal(states.distinctItems, RECENT_CAPACITY, 'ids pushed out of the history are let go');
    states.apply('u:u2', ev('add_to_cart', 'c1', 0, { userId: 'u2' }));
    states.apply('s:s1', ev('add_to_cart', 'c2', 0, { userId: undefined, sessionId: 's1' }));
    states.merge('s:s1', 'u:u2');
    states.apply('u:u2', ev('remove_from_cart', 'c1', 1, { userId: 'u2' }));
    assert.deepEqual(Object.fromEntries(states.get('u:u2')!.cart), { c2: 1 });
    for (const key of ['u:u1', 'u:u2']) states.erase(key);
    assert.equal(states.distinctItems, 0);
    assert.equal(states.size, 0);
  });

  test("inModel: the latest events and the cart in a model's indices, -1 for items it does not know", () => {
    const states = new ShopperStates();
    const model = indexer(['i1', 'i2', 'i3']);
    assert.equal(states.inModel('u:u1', model), undefined);
    states.apply('u:u1', ev('view', 'i2', 0));
    states.apply('u:u1', ev('add_to_cart', 'new', 1));
    states.apply('u:u1', ev('add_to_cart', 'i3', 2));
    const s = states.inModel('u:u1', model)!;
    assert.deepEqual([...s.items], [1, -1, 2]);
    assert.deepEqual([...s.types], [EventCode.view, EventCode.add_to_cart, EventCode.add_to_cart]);
    assert.deepEqual([...s.cart], [-1, 2]);
    assert.equal(s.version, states.version('u:u1'));
    assert.deepEqual([...states.inModel('u:u1', indexer(['i3', 'new']))!.items], [-1, 1, 0], 'per model');
  });

  test('inModel looks each item up once per model, and again once its number stands for another id', () => {
    const states = new ShopperStates();
    const model = indexer(['a', 'b', 'c']);
    states.apply('u:u1', ev('view', 'a', 0));
    states.apply('u:u2', ev('view', 'a', 0, { userId: 'u2' }));
    states.inModel('u:u1', model);
    states.inModel('u:u2', model);
    assert.deepEqual(model.asked, ['a'], 'remembered');
    // Nobody holds 'a' any more: its number is given back, and 'c' takes it.
    states.erase('u:u1');
    states.erase('u:u2');
    states.apply('u:u3', ev('view', 'c', 1, { userId: 'u3' }));
    assert.deepEqual([...states.inModel('u:u3', model)!.items], [2]);
    assert.deepEqual(model.asked, ['a', 'c']);
  });
});

/** An indexer over a fixed list of ids that records what it was asked. */
function indexer(ids: string[]) {
  const asked: string[] = [];
  return {
    asked,
    indexOf(id: string) {
      asked.push(id);
      return ids.indexOf(id);
    },
  };
}
