import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EventType, ShopEvent } from '../domain/events.js';
import type { LiveModel } from '../models/live-model.js';
import type { LoggedEvent } from '../ports/event-log.js';
import { memoryStores, type Stores } from '../ports/stores.js';
import { StreamProcessor, type ProcessorOptions } from './processor.js';
import { ShopperStates } from './shopper-states.js';

const T0 = Date.UTC(2026, 0, 1);
const NOW = Date.UTC(2026, 0, 2);
const MINUTE = 60_000;
let serial = 0;

const ev = (
  eventType: EventType,
  itemId: string | undefined,
  minute: number,
  shopper: { userId?: string; sessionId?: string } = { userId: 'u1' },
  over: Partial<ShopEvent> = {},
): ShopEvent => ({
  eventId: `p${++serial}`,
  eventType,
  ...shopper,
  ...(itemId ? { itemId } : {}),
  timestamp: T0 + minute * MINUTE,
  receivedAt: T0 + minute * MINUTE,
  ...over,
});

const views = (userId: string, items: string[], fromMinute = 0) =>
  items.map((itemId, k) => ev('view', itemId, fromMinute + k, { userId }));

/** A stand-in for a serving model that records what it is told. */
function spyModel() {
  const calls: { offsets: number[]; recent: string[][] }[] = [];
  const model = {
    update(events: readonly LoggedEvent[], recentItems: (e: LoggedEvent) => readonly string[]) {
      calls.push({ offsets: events.map((e) => e.offset), recent: events.map((e) => [...recentItems(e)]) });
    },
  };
  return { calls, models: () => [model as unknown as LiveModel] };
}

function setup(
  stores: Stores = memoryStores(),
  options: ProcessorOptions = {},
  models: () => LiveModel[] = () => [],
) {
  const states = new ShopperStates();
  const processor = new StreamProcessor(stores, states, models, { now: () => NOW, ...options });
  return { stores, states, processor };
}

const recentIds = (states: ShopperStates, key: string) => states.get(key)?.recent.items;

async function lakeEvents(stores: Stores): Promise<LoggedEvent[]> {
  await stores.lake.flush();
  const out: LoggedEvent[] = [];
  for await (const e of stores.lake.scan()) out.push(e);
  return out;
}

describe('StreamProcessor', () => {
  test('consumes the log in order into state, event store and lake, and tells onBatch', async () => {
    const batches: number[][] = [];
    const { stores, states, processor } = setup(memoryStores(), {
      batchSize: 2,
      onBatch: (b) => batches.push(b.map((e) => e.offset)),
    });
    await processor.start();
    await stores.log.append([
      ...views('u1', ['i1', 'i2', 'i3']),
      ev('add_to_cart', 'i3', 4, { userId: 'u1' }),
      ...views('u2', ['i9'], 5),
    ]);
    await processor.wake();

    assert.equal(processor.position, 5);
    assert.deepEqual(batches, [[1, 2], [3, 4], [5]]);
    assert.deepEqual(recentIds(states, 'u:u1'), ['i1', 'i2', 'i3', 'i3']);
    assert.deepEqual([...states.get('u:u1')!.cart.keys()], ['i3']);
    assert.deepEqual(recentIds(states, 'u:u2'), ['i9']);
    assert.deepEqual(
      (await stores.events.timeline('u:u1', 10)).map((e) => e.itemId),
      ['i1', 'i2', 'i3', 'i3'],
    );
    assert.deepEqual(
      (await lakeEvents(stores)).map((e) => e.offset),
      [1, 2, 3, 4, 5],
    );
  });

  test('a backlog is consumed a batch per turn of the event loop, so that other work goes on meanwhile', async () => {
    const { stores, processor } = setup(memoryStores(), { batchSize: 100 });
    await stores.log.append(
      views(
        'u1',
        Array.from({ length: 500 }, (_, k) => `i${k}`),
      ),
    );
    const seen: number[] = [];
    const pass = processor.wake();
    // What the event loop runs while the pass goes on (an acknowledgement, a request) sees it half done.
    await new Promise((resolve) => setImmediate(resolve));
    seen.push(processor.position);
    await pass;
    assert.ok(seen[0] > 0 && seen[0] < 500, `position ${seen[0]} when other work ran`);
    assert.equal(processor.position, 500);
  });

  test('feeds models each batch with the shopper’s items before each event', async () => {
    const spy = spyModel();
    const { stores, processor } = setup(memoryStores(), {}, spy.models);
    await processor.start();
    await stores.log.append([
      ...views('u1', ['i1', 'i2']),
      ...views('u2', ['i7']),
      ...views('u1', ['i3'], 9),
    ]);
    await processor.wake();
    assert.deepEqual(spy.calls, [{ offsets: [1, 2, 3, 4], recent: [[], ['i1'], [], ['i1', 'i2']] }]);
  });

  test('a wake while a pass runs is coalesced into one more pass; nothing is processed twice', async () => {
    const { stores, states, processor } = setup();
    await processor.start();
    await stores.log.append(views('u1', ['i1', 'i2']));
    const first = processor.wake();
    await stores.log.append(views('u1', ['i3'], 5));
    const second = processor.wake();
    const third = processor.wake();
    await Promise.all([first, second, third]);
    assert.equal(processor.position, 3);
    assert.deepEqual(recentIds(states, 'u:u1'), ['i1', 'i2', 'i3']);
  });

  test('drain and wake running at the same time do not apply an event twice', async () => {
    const { stores, states, processor } = setup();
    await processor.start();
    await stores.log.append(views('u1', ['i1', 'i2', 'i3']));
    await Promise.all([processor.wake(), processor.drain(), processor.wake(), processor.drain()]);
    assert.equal(processor.position, 3);
    assert.deepEqual(recentIds(states, 'u:u1'), ['i1', 'i2', 'i3']);
    assert.equal(states.get('u:u1')!.version, 3);
    assert.equal((await lakeEvents(stores)).length, 3);
  });

  test('login: a session’s history becomes the user’s in state, event store and user store', async () => {
    const { stores, states, processor } = setup();
    await processor.start();
    await stores.log.append([
      ev('view', 'i1', 0, { sessionId: 's1' }),
      ev('add_to_cart', 'i2', 1, { sessionId: 's1' }),
      ev('view', 'i3', 2, { userId: 'u1', sessionId: 's1' }),
    ]);
    await processor.wake();
    assert.equal(states.get('s:s1'), undefined);
    assert.deepEqual(recentIds(states, 'u:u1'), ['i1', 'i2', 'i3']);
    assert.deepEqual([...states.get('u:u1')!.cart.keys()], ['i2']);
    assert.deepEqual(
      (await stores.events.timeline('u:u1', 10)).map((e) => e.itemId),
      ['i1', 'i2', 'i3'],
    );
    assert.deepEqual(await stores.events.timeline('s:s1', 10), []);
    assert.deepEqual(await stores.users.sessions('u1'), ['s1']);
  });

  test('checkpoints the position on stop and when checkpointEveryMs has passed', async () => {
    let now = NOW;
    const { stores, processor } = setup(memoryStores(), { now: () => now, checkpointEveryMs: 1000 });
    await processor.start();
    await stores.log.append(views('u1', ['i1', 'i2']));
    await processor.wake();
    assert.equal(await stores.meta.get('processor.position'), undefined, 'not yet: too soon');
    now += 1000;
    await stores.log.append(views('u1', ['i3'], 3));
    await processor.wake();
    assert.equal(await stores.meta.get('processor.position'), 3);
    await stores.log.append(views('u1', ['i4'], 4));
    await processor.wake();
    assert.equal(await stores.meta.get('processor.position'), 3);
    await processor.stop();
    assert.equal(await stores.meta.get('processor.position'), 4);
    // Stopped, it consumes nothing more.
    await stores.log.append(views('u1', ['i5'], 5));
    await processor.wake();
    assert.equal(processor.position, 4);
  });

  test('restart after a clean stop resumes after the checkpoint: nothing is applied twice', async () => {
    const stores = memoryStores();
    const spy = spyModel();
    const first = setup(stores, {}, spy.models);
    await first.processor.start();
    await stores.log.append([...views('u1', ['i1', 'i2']), ev('add_to_cart', 'i2', 3, { userId: 'u1' })]);
    await first.processor.wake();
    await first.processor.stop();

    await stores.log.append(views('u1', ['i3'], 10)); // arrives while no processor runs
    const second = setup(stores, {}, spy.models);
    const told: [string, number][] = [];
    await second.processor.start(undefined, (step, events) => told.push([step, events]));
    assert.deepEqual(told, [
      ['rebuilt', 3],
      ['caught up', 1],
    ]);
    assert.equal(second.processor.position, 4);
    assert.deepEqual(recentIds(second.states, 'u:u1'), ['i1', 'i2', 'i2', 'i3']);
    assert.deepEqual([...second.states.get('u:u1')!.cart], [['i2', 1]]);
    assert.deepEqual(
      spy.calls.map((c) => c.offsets),
      [[1, 2, 3], [4]],
    );
    assert.equal((await stores.events.timeline('u:u1', 100)).length, 4);
    assert.equal((await lakeEvents(stores)).length, 4);
  });

  test('restart after a crash (no checkpoint) replays the log without duplicating shopper state', async () => {
    const stores = memoryStores();
    const first = setup(stores, { checkpointEveryMs: Infinity });
    await first.processor.start();
    await stores.log.append([
      ...views('u1', ['i1', 'i2']),
      ev('add_to_cart', 'i2', 3, { userId: 'u1' }, { quantity: 2 }),
      ev('view', 'i5', 4, { sessionId: 's9' }),
      ev('view', 'i6', 5, { userId: 'u9', sessionId: 's9' }),
    ]);
    await first.processor.wake();
    assert.equal(await stores.meta.get('processor.position'), undefined, 'crashed before any checkpoint');

    await stores.log.append(views('u1', ['i3'], 10));
    const second = setup(stores);
    const told: [string, number][] = [];
    await second.processor.start(undefined, (step, events) => told.push([step, events]));
    // The whole log is read again, and only its last event is new to the state.
    assert.deepEqual(told, [
      ['rebuilt', 5],
      ['caught up', 6],
    ]);
    assert.equal(second.processor.position, 6);
    assert.deepEqual(recentIds(second.states, 'u:u1'), ['i1', 'i2', 'i2', 'i3']);
    assert.deepEqual([...second.states.get('u:u1')!.cart], [['i2', 2]]);
    assert.deepEqual(recentIds(second.states, 'u:u9'), ['i5', 'i6']);
    assert.equal(second.states.get('s:s9'), undefined);
    assert.equal((await stores.events.timeline('u:u1', 100)).length, 4, 'the event store keeps one copy');
    assert.equal((await stores.events.timeline('u:u9', 100)).length, 2);

    // Both processors see the same shopper.
    assert.deepEqual(recentIds(first.states, 'u:u1'), ['i1', 'i2', 'i2']);
  });

  test('a failing store is reported to onError, the pass resolves, and the next wake retries', async () => {
    const errors: unknown[] = [];
    const stores = memoryStores();
    const { states, processor } = setup(stores, { onError: (e) => errors.push(e) });
    await processor.start();
    const add = stores.events.add.bind(stores.events);
    let fail = true;
    stores.events.add = async (events) => {
      if (fail) throw new Error('disk full');
      return add(events);
    };
    await stores.log.append(views('u1', ['i1']));
    await processor.wake();
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /disk full/);
    assert.equal(processor.position, 0, 'the position does not move past what was not stored');
    fail = false;
    await processor.wake();
    assert.equal(processor.position, 1);
    assert.equal((await stores.events.timeline('u:u1', 10)).length, 1);
    assert.deepEqual(recentIds(states, 'u:u1'), ['i1'], 'the retried event is applied to the state once');
  });
});
