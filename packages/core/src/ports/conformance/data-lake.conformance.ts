import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataLake } from '../data-lake.js';
import type { LoggedEvent } from '../event-log.js';
import { DAY, fullEvent, shopEvent, T0 } from './fixtures.js';
import { using } from './use.js';

const collect = async <T>(source: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of source) out.push(x);
  return out;
};
let nextOffset = 1;
/** A logged event on day `day` after T0 (2024-03-01). */
const logged = (id: string, day: number, fields: Partial<LoggedEvent> = {}): LoggedEvent => ({
  ...shopEvent(id, { timestamp: T0 + day * DAY + 1000, ...fields }),
  offset: fields.offset ?? nextOffset++,
});
const ids = (events: readonly LoggedEvent[]) => events.map((e) => e.eventId);

/** The contract every DataLake adapter must keep (ports/data-lake.ts). */
export function dataLakeConformance(name: string, make: () => Promise<DataLake>): void {
  const test = (title: string, body: (lake: DataLake) => Promise<void>) => it(title, () => using(make, body));

  describe(`DataLake conformance: ${name}`, () => {
    test('is empty at first', async (lake) => {
      assert.deepEqual(await lake.partitions(), []);
      assert.deepEqual(await collect(lake.scan()), []);
    });

    test('after flush, scan returns every event by day, in append order within a day', async (lake) => {
      await lake.append([logged('d2-a', 2), logged('d0-a', 0), logged('d2-b', 2)]);
      await lake.append([logged('d1-a', 1), logged('d0-b', 0)]);
      await lake.flush();
      assert.deepEqual(await lake.partitions(), ['2024-03-01', '2024-03-02', '2024-03-03']);
      assert.deepEqual(ids(await collect(lake.scan())), ['d0-a', 'd0-b', 'd1-a', 'd2-a', 'd2-b']);
    });

    test('keeps every field, the offset included', async (lake) => {
      const full: LoggedEvent = { ...fullEvent('full', T0 + 3 * 3_600_000), offset: 987_654_321 };
      const bare = logged('bare', 0, { userId: undefined, itemId: undefined, sessionId: 's1' });
      await lake.append([full, bare]);
      await lake.flush();
      assert.deepEqual(await collect(lake.scan()), [full, bare]);
    });

    test('appends after a flush add to the same day, in order', async (lake) => {
      await lake.append([logged('a', 0), logged('b', 0)]);
      await lake.flush();
      await lake.append([logged('c', 0)]);
      await lake.flush();
      await lake.flush();
      assert.deepEqual(ids(await collect(lake.scan())), ['a', 'b', 'c']);
      assert.deepEqual(await lake.partitions(), ['2024-03-01']);
    });

    test('scan(from) starts at a day', async (lake) => {
      await lake.append([logged('d0', 0), logged('d1', 1), logged('d3', 3)]);
      await lake.flush();
      assert.deepEqual(ids(await collect(lake.scan('2024-03-02'))), ['d1', 'd3']);
      assert.deepEqual(ids(await collect(lake.scan('2024-03-03'))), ['d3']);
      assert.deepEqual(ids(await collect(lake.scan('2025-01-01'))), []);
    });

    test('expire drops the partitions before a day', async (lake) => {
      await lake.append([logged('d0', 0), logged('d1', 1), logged('d2', 2)]);
      await lake.flush();
      assert.deepEqual(await lake.expire('2024-03-03'), ['2024-03-01', '2024-03-02']);
      assert.deepEqual(await lake.partitions(), ['2024-03-03']);
      assert.deepEqual(ids(await collect(lake.scan())), ['d2']);
      assert.deepEqual(await lake.expire('2024-03-01'), []);
    });

    test('erase removes the rows of the user and of the sessions, everywhere', async (lake) => {
      await lake.append([
        logged('alice-0', 0, { userId: 'alice' }),
        logged('bob-0', 0, { userId: 'bob' }),
        logged('anon-alice', 1, { userId: undefined, sessionId: 's-alice' }),
        logged('bob-1', 1, { userId: 'bob', sessionId: 's-bob' }),
      ]);
      await lake.flush();
      await lake.append([logged('alice-2', 2, { userId: 'alice' })]);
      await lake.flush();
      assert.equal(await lake.erase('alice', ['s-alice']), 3);
      assert.deepEqual(ids(await collect(lake.scan())), ['bob-0', 'bob-1']);
      assert.equal(await lake.erase('alice', ['s-alice']), 0);
    });
  });
}
