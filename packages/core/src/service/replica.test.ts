import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GuError } from '../errors.js';
import type { LoggedEvent } from '../ports/event-log.js';
import type { Stores } from '../ports/stores.js';
import { Gu, type GuChange } from './gu.js';
import { FAST_TRAINING, HOUR, NOW, eventId, trainedShop } from './shop-fixture.test-util.js';

const ids = (r: { items: { itemId: string }[] }) => r.items.map((i) => i.itemId);

/**
 * A writer and a serving replica over the same stores, the writer's changes relayed to the replica when the
 * test says so (as the cluster's supervisor relays them between processes).
 */
async function writerAndReplica() {
  const relay: GuChange[] = [];
  const { gu: writer, stores, clock } = await trainedShop({ options: { onChange: (c) => relay.push(c) } });
  const served: string[] = [];
  const replica = await Gu.open(stores, {
    now: () => clock.now,
    deadlineMs: 10_000,
    follower: true,
    recordServed: (placement) => served.push(placement),
  });
  /** Relays what the writer changed so far, in order, and waits until the replica has applied it. */
  const deliver = async () => {
    for (const change of relay.splice(0)) await replica.apply(change);
  };
  return { writer, replica, stores, served, deliver };
}

async function lakeEvents(stores: Stores): Promise<LoggedEvent[]> {
  await stores.lake.flush();
  const out: LoggedEvent[] = [];
  for await (const e of stores.lake.scan()) out.push(e);
  return out;
}

const REQUESTS = [
  { userId: 'u0', placement: 'home' as const, n: 5 },
  { userId: 'u0', placement: 'pdp' as const, itemId: 'a3', n: 5 },
  { userId: 'u1', placement: 'cart' as const, n: 5 },
];

describe('Gu: serving replicas', () => {
  test("a replica serves the writer's answers and follows its log, writing nothing", async () => {
    const { writer, replica, stores, deliver } = await writerAndReplica();
    for (const req of REQUESTS) assert.deepEqual(ids(replica.recommend(req)), ids(writer.recommend(req)));
    const lakeBefore = (await lakeEvents(stores)).length;

    // u0, of the shoe tribe, now browses kitchen items.
    const views = ['b1', 'b2', 'b3'].map((itemId, k) => ({
      eventId: eventId(),
      eventType: 'view' as const,
      userId: 'u0',
      itemId,
      timestamp: NOW - HOUR + k * 60_000,
    }));
    const before = ids(replica.recommend(REQUESTS[0]));
    await writer.ingest(views);
    await writer.processor.wake();
    await deliver();
    for (const req of REQUESTS) assert.deepEqual(ids(replica.recommend(req)), ids(writer.recommend(req)));
    assert.notDeepEqual(ids(replica.recommend(REQUESTS[0])), before, 'the new views changed the answer');
    assert.equal(replica.processor.position, writer.processor.position);
    assert.equal(
      (await lakeEvents(stores)).length,
      lakeBefore + views.length,
      'the lake holds each new event once: the replica appended none',
    );
  });

  test('a replica refuses every change but model versions, and the stores stay as the writer left them', async () => {
    const { writer, replica, stores } = await writerAndReplica();
    const lakeBefore = (await lakeEvents(stores)).length;
    const logBefore = await stores.log.last();
    const view = { eventId: eventId(), eventType: 'view', userId: 'u0', itemId: 'b1', timestamp: NOW };
    const filter = {
      name: 'cheap',
      include: [{ field: 'price', op: 'lte' as const, value: 300_000 }],
      exclude: [],
    };
    const writes: [string, () => Promise<unknown>][] = [
      ['ingest', () => replica.ingest([view])],
      [
        'putItems',
        () => replica.putItems([{ itemId: 'new1', title: 'New', categories: ['Fashion'], price: 1 }]),
      ],
      ['deleteItem', () => replica.deleteItem('a4')],
      ['putUsers', () => replica.putUsers([{ userId: 'u0' }])],
      ['deleteUser', () => replica.deleteUser('u0')],
      ['expire', () => replica.expire()],
      ['putFilter', () => replica.putFilter(filter)],
      ['deleteFilter', () => replica.deleteFilter('cheap')],
      [
        'start an experiment',
        () => replica.experiments.start({ name: 'x', placement: 'home', variants: [] }),
      ],
      ['stop an experiment', () => replica.experiments.stop('x')],
      ['delete an experiment', () => replica.experiments.delete('x')],
    ];
    for (const [what, write] of writes)
      await assert.rejects(write(), (e: unknown) => e instanceof GuError && e.code === 'READ_ONLY', what);
    assert.equal((await lakeEvents(stores)).length, lakeBefore);
    assert.deepEqual(await stores.log.last(), logBefore);
    assert.equal((await stores.catalog.get('a4'))?.available, true);
    assert.equal(await stores.users.get('u0'), undefined);
    assert.deepEqual(writer.listFilters(), []);
    assert.deepEqual(writer.experiments.list(), []);
  });

  test('catalog changes, filters and model promotions reach a replica', async () => {
    const { writer, replica, deliver } = await writerAndReplica();
    await writer.putItems([{ itemId: 'new1', title: 'New shoe', categories: ['Fashion'], price: 1 }]);
    await writer.deleteItem('a4');
    await writer.putFilter({
      name: 'cheap',
      include: [{ field: 'price', op: 'lte', value: 300_000 }],
      exclude: [],
    });
    await deliver();
    assert.equal(replica.catalog.get('new1')?.title, 'New shoe');
    assert.equal(replica.catalog.get('a4')?.available, false);
    assert.deepEqual(replica.listFilters(), writer.listFilters());
    const cheap = { userId: 'u0', placement: 'home' as const, n: 5, filter: 'cheap' };
    assert.deepEqual(ids(replica.recommend(cheap)), ids(writer.recommend(cheap)));
    assert.ok(!ids(replica.recommend({ ...REQUESTS[0], n: 20 })).includes('a4'), 'a4 is no longer sold');

    await writer.deleteFilter('cheap');
    await writer.train({ ...FAST_TRAINING, recipes: ['similar-items'], promote: 'always' });
    await deliver();
    assert.deepEqual(replica.listFilters(), []);
    assert.deepEqual(replica.serving(), writer.serving(), 'the new similar-items version serves on both');
    await writer.rollback('similar-items');
    await deliver();
    assert.deepEqual(replica.serving(), writer.serving(), 'and the rollback too');
  });

  test("an erased shopper's state leaves the replica, and served answers are counted where told", async () => {
    const { writer, replica, served, deliver } = await writerAndReplica();
    assert.ok(replica.states.get('u:u0'));
    await writer.deleteUser('u0');
    await deliver();
    assert.equal(replica.states.get('u:u0'), undefined);
    served.length = 0;
    for (const req of REQUESTS) replica.recommend(req);
    assert.deepEqual(served, ['home', 'pdp', 'cart']);
  });

  test('a follower trains on what its writer recorded as in the lake; later events are replayed, not lost', async () => {
    const { writer, replica } = await writerAndReplica();
    const recorded = writer.processor.checkpointed;
    await writer.ingest(
      ['b1', 'b2'].map((itemId) => ({
        eventId: eventId(),
        eventType: 'view' as const,
        userId: 'u0',
        itemId,
        timestamp: NOW - HOUR,
      })),
    );
    await writer.processor.wake();
    // Processed by the writer, not yet recorded: it may still hold them in memory, outside the lake.
    assert.ok(writer.processor.position > recorded);
    const report = await replica.train({ ...FAST_TRAINING, recipes: ['popular'], promote: 'never' });
    assert.equal(report.versions[0].watermark, recorded);
  });
});
