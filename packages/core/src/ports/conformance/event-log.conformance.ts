import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventLog } from '../event-log.js';
import { fullEvent, shopEvent, T0 } from './fixtures.js';
import { using } from './use.js';

const ids = (n: number, prefix = 'e') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

/** The contract every EventLog adapter must keep (ports/event-log.ts). */
export function eventLogConformance(name: string, make: () => Promise<EventLog>): void {
  const test = (title: string, body: (log: EventLog) => Promise<void>) => it(title, () => using(make, body));

  describe(`EventLog conformance: ${name}`, () => {
    test('is empty at first', async (log) => {
      assert.equal(await log.last(), 0);
      assert.deepEqual(await log.read(0, 10), []);
    });

    test('numbers events from 1 in append order and stores every field', async (log) => {
      const first = [fullEvent('a'), shopEvent('b', { sessionId: 's1', userId: undefined })];
      assert.deepEqual(await log.append(first), { appended: 2, duplicates: [] });
      assert.deepEqual(await log.append([shopEvent('c')]), { appended: 1, duplicates: [] });
      assert.equal(await log.last(), 3);
      assert.deepEqual(await log.read(0, 10), [
        { ...first[0], offset: 1 },
        { ...first[1], offset: 2 },
        { ...shopEvent('c'), offset: 3 },
      ]);
    });

    test('reads up to limit events after an offset, in order', async (log) => {
      await log.append(ids(25).map((id, i) => shopEvent(id, { timestamp: T0 + i })));
      const page = await log.read(10, 5);
      assert.deepEqual(
        page.map((e) => [e.offset, e.eventId]),
        [11, 12, 13, 14, 15].map((o) => [o, `e${o}`]),
      );
      assert.deepEqual(
        (await log.read(23, 100)).map((e) => e.offset),
        [24, 25],
      );
      assert.deepEqual(await log.read(25, 10), []);
      assert.deepEqual(await log.read(0, 0), []);
    });

    test('reports duplicates across batches and stores them once', async (log) => {
      await log.append([shopEvent('a'), shopEvent('b')]);
      const result = await log.append([shopEvent('b'), shopEvent('c'), shopEvent('a')]);
      assert.equal(result.appended, 1);
      assert.deepEqual([...result.duplicates].sort(), ['a', 'b']);
      assert.deepEqual(
        (await log.read(0, 10)).map((e) => [e.offset, e.eventId]),
        [
          [1, 'a'],
          [2, 'b'],
          [3, 'c'],
        ],
      );
    });

    test('reports an eventId repeated within a batch and keeps the first', async (log) => {
      const result = await log.append([
        shopEvent('x', { itemId: 'first' }),
        shopEvent('y'),
        shopEvent('x', { itemId: 'second' }),
      ]);
      assert.deepEqual(result, { appended: 2, duplicates: ['x'] });
      const stored = await log.read(0, 10);
      assert.deepEqual(
        stored.map((e) => [e.eventId, e.itemId]),
        [
          ['x', 'first'],
          ['y', 'i1'],
        ],
      );
    });

    test('concurrent appends all land, each batch contiguous, offsets 1..n', async (log) => {
      const batches = Array.from({ length: 40 }, (_, b) => ids(25, `b${b}-`).map((id) => shopEvent(id)));
      const results = await Promise.all(batches.map((batch) => log.append(batch)));
      assert.ok(results.every((r) => r.appended === 25 && r.duplicates.length === 0));
      const all = await log.read(0, 10_000);
      assert.deepEqual(
        all.map((e) => e.offset),
        Array.from({ length: 1000 }, (_, i) => i + 1),
      );
      for (const batch of batches) {
        const at = all.findIndex((e) => e.eventId === batch[0].eventId);
        assert.deepEqual(
          all.slice(at, at + batch.length).map((e) => e.eventId),
          batch.map((e) => e.eventId),
        );
      }
      assert.equal(await log.last(), 1000);
    });

    test('a duplicate racing in a concurrent batch is stored once', async (log) => {
      const [r1, r2] = await Promise.all([
        log.append([shopEvent('p'), shopEvent('q')]),
        log.append([shopEvent('q'), shopEvent('r')]),
      ]);
      assert.equal(r1.appended + r2.appended, 3);
      assert.deepEqual([...r1.duplicates, ...r2.duplicates], ['q']);
      assert.deepEqual((await log.read(0, 10)).map((e) => e.eventId).sort(), ['p', 'q', 'r']);
    });

    test('erase removes the events of the user and of the sessions', async (log) => {
      await log.append([
        shopEvent('1', { userId: 'alice' }),
        shopEvent('2', { userId: undefined, sessionId: 's-alice' }),
        shopEvent('3', { userId: 'bob' }),
        shopEvent('4', { userId: 'bob', sessionId: 's-alice' }),
        shopEvent('5', { userId: undefined, sessionId: 's-bob' }),
      ]);
      assert.equal(await log.erase('alice', ['s-alice']), 3);
      assert.deepEqual(
        (await log.read(0, 10)).map((e) => [e.offset, e.eventId]),
        [
          [3, '3'],
          [5, '5'],
        ],
      );
      assert.equal(await log.erase('nobody', []), 0);
    });

    test('offsets keep growing after the newest events are erased', async (log) => {
      await log.append([shopEvent('a', { userId: 'keep' }), shopEvent('b', { userId: 'gone' })]);
      assert.equal(await log.erase('gone', []), 1);
      assert.equal(await log.last(), 2);
      await log.append([shopEvent('c', { userId: 'keep' })]);
      assert.deepEqual(
        (await log.read(0, 10)).map((e) => e.offset),
        [1, 3],
      );
      assert.equal(await log.last(), 3);
    });

    test('trim drops the oldest events up to the first received since `before` or past upTo', async (log) => {
      const at = (eventId: string, hours: number) =>
        shopEvent(eventId, { receivedAt: T0 + hours * 3_600_000 });
      await log.append([at('a', 0), at('b', 1), at('c', 2), at('d', 1), at('e', 5)]);
      assert.equal(await log.trim(T0 + 2 * 3_600_000, 1), 1, 'only what consumers are past');
      assert.deepEqual(
        (await log.read(0, 10)).map((e) => e.eventId),
        ['b', 'c', 'd', 'e'],
      );
      assert.equal(await log.trim(T0 + 2 * 3_600_000, 10), 1, 'in offset order, up to the first not older');
      assert.deepEqual(
        (await log.read(0, 10)).map((e) => e.offset),
        [3, 4, 5],
      );
      assert.equal(await log.trim(T0 + 9 * 3_600_000, 10), 3);
      assert.equal(await log.last(), 5, 'offsets are not reused');
      assert.deepEqual(await log.append([at('a', 6), at('f', 6)]), { appended: 2, duplicates: [] });
      assert.deepEqual(
        (await log.read(0, 10)).map((e) => [e.offset, e.eventId]),
        [
          [6, 'a'],
          [7, 'f'],
        ],
      );
    });
  });
}
