import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ShopEvent } from '../../domain/events.js';
import type { EventStore } from '../event-store.js';
import { fullEvent, shopEvent, T0 } from './fixtures.js';
import { using } from './use.js';

const collect = async <T>(source: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of source) out.push(x);
  return out;
};
const idsOf = (events: readonly ShopEvent[]) => events.map((e) => e.eventId);

/** The contract every EventStore adapter must keep (ports/event-store.ts). */
export function eventStoreConformance(name: string, make: () => Promise<EventStore>): void {
  const test = (title: string, body: (store: EventStore) => Promise<void>) =>
    it(title, () => using(make, body));

  describe(`EventStore conformance: ${name}`, () => {
    test('keeps a timeline per shopper, oldest first, whatever the arrival order', async (store) => {
      await store.add([
        shopEvent('c', { timestamp: T0 + 3 }),
        shopEvent('a', { timestamp: T0 + 1 }),
        shopEvent('other', { userId: 'u2', timestamp: T0 + 2 }),
      ]);
      await store.add([shopEvent('b', { timestamp: T0 + 2 })]);
      assert.deepEqual(idsOf(await store.timeline('u:u1', 10)), ['a', 'b', 'c']);
      assert.deepEqual(idsOf(await store.timeline('u:u2', 10)), ['other']);
      assert.deepEqual(await store.timeline('u:nobody', 10), []);
    });

    test('timeline(limit) returns the newest events, oldest first', async (store) => {
      await store.add(Array.from({ length: 10 }, (_, i) => shopEvent(`e${i}`, { timestamp: T0 + i })));
      assert.deepEqual(idsOf(await store.timeline('u:u1', 3)), ['e7', 'e8', 'e9']);
    });

    test('stores every field of an event', async (store) => {
      const e = fullEvent('full');
      await store.add([e]);
      assert.deepEqual(await store.timeline('u:u-full', 1), [e]);
    });

    test('files user events under u:, anonymous ones under s:', async (store) => {
      await store.add([
        shopEvent('anon', { userId: undefined, sessionId: 's1' }),
        shopEvent('known', { sessionId: 's1' }),
      ]);
      assert.deepEqual(idsOf(await store.timeline('s:s1', 10)), ['anon']);
      assert.deepEqual(idsOf(await store.timeline('u:u1', 10)), ['known']);
    });

    test('is idempotent on eventId, across and within calls', async (store) => {
      await store.add([shopEvent('a'), shopEvent('a', { itemId: 'again' })]);
      await store.add([shopEvent('a', { timestamp: T0 + 9 }), shopEvent('b', { timestamp: T0 + 1 })]);
      const timeline = await store.timeline('u:u1', 10);
      assert.deepEqual(
        timeline.map((e) => [e.eventId, e.itemId, e.timestamp]),
        [
          ['a', 'i1', T0],
          ['b', 'i1', T0 + 1],
        ],
      );
    });

    test('since streams every shopper in time order from a time, ties included', async (store) => {
      // Enough events, with repeated timestamps, to cross any page size an adapter reads in.
      const events = Array.from({ length: 2500 }, (_, i) =>
        shopEvent(`e${i}`, { userId: `u${i % 7}`, timestamp: T0 + Math.floor(((i * 7919) % 2500) / 3) }),
      );
      await store.add(events);
      const from = T0 + 100;
      const streamed = await collect(store.since(from));
      const expected = events.filter((e) => e.timestamp >= from);
      assert.equal(streamed.length, expected.length);
      assert.deepEqual(idsOf(streamed).sort(), idsOf(expected).sort());
      for (let i = 1; i < streamed.length; i++)
        assert.ok(streamed[i - 1].timestamp <= streamed[i].timestamp, `out of order at ${i}`);
    });

    test('merge moves a session under the user, interleaved by time', async (store) => {
      await store.add([
        shopEvent('s-early', { userId: undefined, sessionId: 's1', timestamp: T0 + 1 }),
        shopEvent('u-mid', { userId: 'alice', timestamp: T0 + 2 }),
        shopEvent('s-late', { userId: undefined, sessionId: 's1', timestamp: T0 + 3 }),
        shopEvent('other', { userId: undefined, sessionId: 's2', timestamp: T0 + 4 }),
      ]);
      await store.merge('s1', 'alice');
      const merged = await store.timeline('u:alice', 10);
      assert.deepEqual(idsOf(merged), ['s-early', 'u-mid', 's-late']);
      assert.ok(merged.every((e) => e.userId === 'alice'));
      assert.equal(merged[0].sessionId, 's1');
      assert.deepEqual(await store.timeline('s:s1', 10), []);
      assert.deepEqual(idsOf(await store.timeline('s:s2', 10)), ['other']);
      await store.merge('no-such-session', 'alice');
      assert.equal((await store.timeline('u:alice', 10)).length, 3);
    });

    test('expire deletes events older than a time', async (store) => {
      await store.add([
        shopEvent('old', { timestamp: T0 }),
        shopEvent('edge', { userId: 'u2', timestamp: T0 + 10 }),
        shopEvent('new', { timestamp: T0 + 20 }),
      ]);
      assert.equal(await store.expire(T0 + 10), 1);
      assert.deepEqual(idsOf(await store.timeline('u:u1', 10)), ['new']);
      assert.deepEqual(idsOf(await store.timeline('u:u2', 10)), ['edge']);
      assert.deepEqual(idsOf(await collect(store.since(0))), ['edge', 'new']);
    });

    test('erase deletes whole timelines and counts the events', async (store) => {
      await store.add([
        shopEvent('1', { userId: 'alice' }),
        shopEvent('2', { userId: 'alice', timestamp: T0 + 1 }),
        shopEvent('3', { userId: undefined, sessionId: 's-alice' }),
        shopEvent('4', { userId: 'bob' }),
      ]);
      assert.equal(await store.erase(['u:alice', 's:s-alice', 'u:nobody']), 3);
      assert.deepEqual(await store.timeline('u:alice', 10), []);
      assert.deepEqual(await store.timeline('s:s-alice', 10), []);
      assert.deepEqual(idsOf(await store.timeline('u:bob', 10)), ['4']);
    });
  });
}
