import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GuError } from '../errors.js';
import { dayOf } from '../ports/data-lake.js';
import type { LoggedEvent } from '../ports/event-log.js';
import type { Stores } from '../ports/stores.js';
import type { KpiReport } from '../realtime/kpis.js';
import { Gu } from './gu.js';
import {
  DAY,
  FAST_TRAINING,
  HOUR,
  NOW,
  eventId,
  openShop,
  shopEvents,
  trainedShop,
  tribeOf,
  type RawEvent,
} from './shop-fixture.test-util.js';

const isCode = (code: string) => (e: unknown) => e instanceof GuError && e.code === code;
const ids = (r: { items: { itemId: string }[] }) => r.items.map((i) => i.itemId);

/** A shopper's item events, a minute apart, an hour before the shop's now. */
const activity = (
  shopper: { userId?: string; sessionId?: string },
  items: string[],
  eventType: RawEvent['eventType'] = 'view',
  at = NOW - HOUR,
): RawEvent[] =>
  items.map((itemId, k) => ({
    eventId: eventId(),
    eventType,
    ...shopper,
    itemId,
    timestamp: at + k * 60_000,
  }));

async function ingestAndProcess(gu: Gu, events: RawEvent[]) {
  const result = await gu.ingest(events);
  await gu.processor.wake();
  return result;
}

async function allLogged(stores: Stores): Promise<LoggedEvent[]> {
  return stores.log.read(0, 100_000);
}

async function lakeEvents(stores: Stores): Promise<LoggedEvent[]> {
  await stores.lake.flush();
  const out: LoggedEvent[] = [];
  for await (const e of stores.lake.scan()) out.push(e);
  return out;
}

describe('Gu: ingest', () => {
  test('accepts valid events, rejects invalid ones one by one, stores a duplicate once', async () => {
    const { gu, stores } = await openShop({ history: false });
    const [e1, e2] = activity({ userId: 'u1' }, ['a1', 'a2']);
    const result = await gu.ingest([e1, e2, { ...e1, userId: undefined }, e1, { eventType: 'view' }]);
    assert.equal(result.accepted, 3, 'the repeat of e1 is accepted again');
    assert.equal(result.duplicates, 1);
    assert.deepEqual(
      result.rejected.map((r) => [r.index, r.id]),
      [
        [2, e1.eventId],
        [4, undefined],
      ],
    );
    assert.deepEqual(result.rejected[0].errors, [
      { path: 'userId', message: 'userId or sessionId is required' },
    ]);

    const again = await gu.ingest([e1]);
    assert.deepEqual(again, { accepted: 1, duplicates: 1, rejected: [] });
    await gu.processor.wake();
    assert.equal(await stores.log.last(), 2);
    assert.equal((await stores.events.timeline('u:u1', 10)).length, 2);
    assert.equal((await lakeEvents(stores)).length, 2);
    assert.deepEqual(gu.states.get('u:u1')!.recent.items, ['a1', 'a2']);
    const stored = (await allLogged(stores))[0];
    assert.equal(stored.receivedAt, NOW, 'the server stamps its receive time');
  });

  test('a batch holds 1–500 events; a batch with nothing valid appends nothing', async () => {
    const { gu, stores } = await openShop({ history: false });
    await assert.rejects(gu.ingest([]), isCode('INVALID_REQUEST'));
    const many = activity(
      { userId: 'u1' },
      Array.from({ length: 501 }, () => 'a1'),
    );
    await assert.rejects(gu.ingest(many), isCode('INVALID_REQUEST'));
    assert.equal((await gu.ingest(many.slice(0, 500))).accepted, 500);
    const bad = await gu.ingest([
      { nonsense: true },
      { ...many[0], eventId: 'future', timestamp: NOW + 2 * DAY },
    ]);
    assert.equal(bad.accepted, 0);
    assert.deepEqual(bad.rejected[1].errors, [
      { path: 'timestamp', message: 'is more than a day in the future' },
    ]);
    assert.equal(await stores.log.last(), 500);
  });
});

describe('Gu: training and serving', () => {
  test('train creates a version per recipe with metrics and promotes them all the first time', async () => {
    const { gu, stores } = await openShop();
    await stores.meta.set('erasure/pending', { since: 0 });
    const report = await gu.train(FAST_TRAINING);
    assert.equal(report.versions.length, 6);
    assert.deepEqual(
      report.promoted,
      report.versions.map((v) => v.id),
    );
    assert.deepEqual(report.held, []);
    assert.equal(report.quality.passes, true);
    assert.equal(report.quality.valid, 360);
    for (const v of report.versions) {
      assert.ok(v.metrics['ndcg@20'] > 0, `${v.recipe} has offline metrics`);
      assert.equal(v.watermark, 360);
      assert.equal(gu.serving()[v.recipe]?.id, v.id);
    }
    assert.deepEqual(
      Object.keys(await stores.models.serving()).sort(),
      report.versions.map((v) => v.recipe).sort(),
    );
    const status = await gu.status();
    assert.equal(status.recipes.length, 6);
    assert.equal(status.lag, 0);
    assert.equal(status.shoppers, 40);
    assert.equal(status.catalog, 22);
    assert.equal(status.training, false);
    assert.equal((await gu.qualityReports()).length, 1);
    assert.equal(await stores.meta.get('erasure/pending'), undefined, 'the retraining acted on erasures');

    const r = gu.recommend({ userId: 'u0', placement: 'home', n: 5 });
    assert.equal(r.fallback, false);
    assert.equal(r.recipe, 'user-personalization');
    assert.equal(r.modelVersion, gu.serving()['user-personalization']!.id);
  });

  test('options given as undefined keep their defaults', async () => {
    const { gu, clock } = await openShop();
    clock.now = NOW + HOUR;
    const report = await gu.train({ ...FAST_TRAINING, recipes: undefined, now: undefined, promote: 'never' });
    assert.equal(report.versions.length, 6);
    assert.ok(
      report.versions.every((v) => v.createdAt === NOW + HOUR),
      'the shop’s clock, not the system’s',
    );
  });

  test('cached answers are keyed by every request parameter and expire after cacheTtlMs', async () => {
    const { gu, clock } = await trainedShop({ options: { cacheTtlMs: 1000 } });
    const req = { userId: 'nobody', placement: 'home' as const, n: 1 };
    const first = gu.recommend(req);
    assert.equal(first.recipe, 'popular');
    // A question is kept from its third time: the fourth is answered from the cache.
    gu.recommend(req);
    gu.recommend(req);
    const { hits } = gu.cacheStats;
    gu.recommend(req);
    assert.equal(gu.cacheStats.hits, hits + 1);
    assert.ok(gu.recommend({ ...req, explain: true }).items.every((i) => i.reason));
    assert.equal(gu.recommend({ ...req, n: 4 }).items.length, 4);

    // Other shoppers' purchases change the best sellers without touching this request's key…
    const buyers = Array.from({ length: 30 }, (_, k) =>
      activity({ userId: `buyer${k}` }, ['b10'], 'purchase'),
    ).flat();
    await ingestAndProcess(gu, buyers);
    assert.deepEqual(ids(gu.recommend(req)), ids(first), 'cached');
    // …so the answer may be that old, and no older.
    clock.now += 1000;
    assert.deepEqual(ids(gu.recommend(req)), ['b10']);
  });

  test('the cache keeps questions asked three times, and shoppers it knows nothing of share their answers', async () => {
    const { gu } = await trainedShop();
    const pdp = (userId: string) => gu.recommend({ userId, itemId: 'a1', placement: 'pdp', n: 3 });
    const first = pdp('stranger1');
    pdp('stranger2');
    assert.equal(gu.cacheStats.size, 0, 'asked twice: not kept');
    pdp('stranger3');
    assert.equal(gu.cacheStats.size, 1, 'asked three times, by shoppers without history: kept once');
    const { hits } = gu.cacheStats;
    const fourth = pdp('stranger4');
    assert.equal(gu.cacheStats.hits, hits + 1);
    assert.deepEqual(fourth.items, first.items);
    assert.notEqual(fourth.recommendationId, first.recommendationId);
    // A shopper with history asks a question of her own.
    await ingestAndProcess(gu, activity({ userId: 'zoe' }, ['b1', 'b2']));
    const own = pdp('zoe');
    assert.equal(gu.cacheStats.hits, hits + 1, 'not answered with the strangers’ list');
    assert.ok(!ids(own).includes('b1') && !ids(own).includes('b2'), `${ids(own)}`);
  });

  test('one training at a time', async () => {
    const { gu } = await openShop();
    const first = gu.train(FAST_TRAINING);
    assert.equal(gu.trainingRunning, true);
    await assert.rejects(gu.train(FAST_TRAINING), isCode('TRAINING_RUNNING'));
    await first;
    assert.equal(gu.trainingRunning, false);
  });

  test('data that fails the quality gate trains nothing, and the report is kept', async () => {
    const { gu } = await openShop();
    await ingestAndProcess(
      gu,
      activity(
        { userId: 'ghost' },
        Array.from({ length: 30 }, (_, k) => `not-in-catalog-${k}`),
      ),
    );
    await assert.rejects(gu.train(FAST_TRAINING), isCode('DATA_QUALITY'));
    assert.deepEqual(gu.serving(), {});
    const [[, quality]] = (await gu.qualityReports()) as [string, { passes: boolean; invalid: number }][];
    assert.equal(quality.passes, false);
    assert.equal(quality.invalid, 30);
  });

  test('the quality gate holds a version worse than the serving one', async () => {
    const { gu } = await trainedShop();
    const serving = gu.serving()['user-personalization']!;
    // One factor, one iteration, no session terms: a much weaker model.
    const params = {
      'user-personalization': { factors: 1, iterations: 1, blend: { factors: 1, items: 0, sessions: 0 } },
    };
    const worse = await gu.train({ ...FAST_TRAINING, recipes: ['user-personalization', 'popular'], params });
    const [candidate, popular] = worse.versions;
    assert.ok(candidate.metrics['ndcg@20'] < serving.metrics['ndcg@20'] * 0.95);
    assert.deepEqual(
      worse.held.map((h) => h.id),
      [candidate.id],
    );
    assert.match(worse.held[0].reasons[0], /^ndcg@20 /);
    assert.deepEqual(worse.promoted, [popular.id], 'a version as good as the serving one is promoted');
    assert.equal(gu.serving()['user-personalization']!.id, serving.id);

    const forced = await gu.train({
      ...FAST_TRAINING,
      recipes: ['user-personalization'],
      promote: 'always',
      params,
    });
    assert.deepEqual(forced.promoted, [forced.versions[0].id]);
    const never = await gu.train({ ...FAST_TRAINING, recipes: ['popular'], promote: 'never' });
    assert.deepEqual([never.promoted, never.held], [[], []]);
    assert.equal(gu.serving().popular!.id, popular.id);
  });

  test('recommendations follow the shopper’s latest events, and the cache never serves stale answers', async () => {
    const { gu } = await trainedShop();
    const req = { userId: 'zoe', placement: 'home' as const, n: 4 };
    await ingestAndProcess(gu, activity({ userId: 'zoe' }, ['b1', 'b2', 'b3']));
    const first = gu.recommend(req);
    assert.equal(first.recipe, 'user-personalization');
    assert.ok(
      ids(first).every((id) => tribeOf(id) === 'B'),
      `${ids(first)}`,
    );
    const hits = gu.homeLists.hits;
    const cached = gu.recommend(req);
    assert.equal(gu.homeLists.hits, hits + 1, 'nothing changed: her prepared home list answers');
    assert.deepEqual(cached.items, first.items);
    assert.notEqual(cached.recommendationId, first.recommendationId);

    // Zoe looks at what was recommended first: it is seen now, and must not come back.
    await gu.ingest(activity({ userId: 'zoe' }, [first.items[0].itemId], 'view', NOW - HOUR + 10 * 60_000));
    await gu.processor.wake();
    const second = gu.recommend(req);
    assert.ok(!ids(second).includes(first.items[0].itemId), `${ids(second)}`);

    // Her taste moves to shoes: so do her recommendations.
    await ingestAndProcess(
      gu,
      activity({ userId: 'zoe' }, ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'], 'view', NOW - 30 * 60_000),
    );
    const third = gu.recommend(req);
    assert.equal(tribeOf(third.items[0].itemId), 'A', `${ids(third)}`);
  });

  test('new events update the serving models at once, and are replayed into them after a restart', async () => {
    const { gu, stores, clock } = await trainedShop();
    assert.notEqual(gu.top('popular', 1)[0].itemId, 'b10');
    const buyers = Array.from({ length: 30 }, (_, k) =>
      activity({ userId: `buyer${k}` }, ['b10'], 'purchase'),
    ).flat();
    await ingestAndProcess(gu, buyers);
    clock.now += 1000; // top lists are kept up to a second while events come in
    assert.equal(gu.top('popular', 1)[0].itemId, 'b10');
    assert.deepEqual(
      gu.top('popular', 3, 'Shoes').map((i) => tribeOf(i.itemId)),
      ['A', 'A', 'A'],
    );
    await gu.close();

    const told: [string, Record<string, unknown>][] = [];
    const reopened = await Gu.open(stores, {
      now: () => NOW,
      deadlineMs: 10_000,
      onOpening: (figures, message) => told.push([message, figures]),
    });
    // What a server logs while it opens, in order, with its figures.
    assert.deepEqual(
      told.map(([message]) => message),
      ['catalog loaded', 'real-time state rebuilt from the event store', 'serving models loaded'],
    );
    assert.equal(told[0][1].items, reopened.catalog.size);
    assert.ok((told[1][1].events as number) > 0 && told[1][1].shoppers === reopened.states.size);
    assert.deepEqual(told[2][1].recipes, Object.keys(reopened.serving()));
    assert.deepEqual(
      Object.values(reopened.serving()).map((v) => v!.id),
      Object.values(gu.serving()).map((v) => v!.id),
    );
    assert.equal(reopened.top('popular', 1)[0].itemId, 'b10', 'events after the watermark were replayed');
    assert.deepEqual(
      reopened.states.get('u:u0')!.recent.items,
      gu.states.get('u:u0')!.recent.items,
      'the state is rebuilt once, not twice',
    );
    assert.deepEqual(
      ids(reopened.recommend({ userId: 'u0', placement: 'home', n: 5 })),
      ids(gu.recommend({ userId: 'u0', placement: 'home', n: 5 })),
    );
    await reopened.close();
  });

  test('similar, bought together, top and rank through the facade', async () => {
    const { gu } = await trainedShop();
    const similar = gu.similar('a3', 4);
    assert.ok(similar.every((i) => tribeOf(i.itemId) === 'A' && i.itemId !== 'a3'));
    assert.ok(gu.boughtTogether('b2', 3).every((i) => tribeOf(i.itemId) === 'B'));
    assert.throws(() => gu.similar('nope', 3), isCode('UNKNOWN_ITEM'));
    assert.ok(gu.top('trending', 5, 'Kitchen').every((i) => tribeOf(i.itemId) === 'B'));
    const ranked = gu.rank({ userId: 'u1' }, ['a1', 'b9', 'a2', 'b7']);
    assert.equal(tribeOf(ranked[0].itemId), 'B', 'u1 is a tribe-B shopper');
  });
});

describe('Gu: home lists', () => {
  test('are prepared with the model as it serves, updates since its training included', async () => {
    const { gu } = await trainedShop();
    // Links the trained model never saw (b1 then a7), which the processor feeds to the serving model.
    for (let k = 0; k < 8; k++) await ingestAndProcess(gu, activity({ userId: `x${k}` }, ['b1', 'a7']));
    const prep = await gu.prepareHomeLists();
    assert.ok(prep?.complete);
    assert.equal(prep.prepared, prep.shoppers);
    assert.equal((await gu.status()).homeLists.lastPreparation?.prepared, prep.prepared);
    let compared = 0;
    for (const key of [...gu.states.keys()]) {
      const shopper = key.startsWith('u:') ? { userId: key.slice(2) } : { sessionId: key.slice(2) };
      const req = { ...shopper, placement: 'home' as const, n: 6, explain: true };
      const hits = gu.homeLists.hits;
      const fromList = gu.recommend(req);
      if (gu.homeLists.hits === hits) continue; // no history: nothing was prepared
      assert.deepEqual(fromList.items, gu.recommender.ranked(req).items, key);
      compared++;
    }
    assert.equal(compared, prep.prepared);
  });

  test('close stops a preparation and starts no other', async () => {
    const { gu } = await trainedShop();
    const running = gu.prepareHomeLists();
    await gu.close();
    await running; // it ended with close
    assert.equal(await gu.prepareHomeLists(), undefined, 'closed: nothing starts');
  });
});

describe('Gu: promotion and rollback', () => {
  test('promote and rollback swap the serving version, and answers follow at once', async () => {
    const { gu } = await trainedShop();
    const v1 = gu.serving()['similar-items']!;
    const pdp = { placement: 'pdp' as const, itemId: 'a3', n: 3 };
    assert.equal(gu.recommend(pdp).modelVersion, v1.id);
    const { versions } = await gu.train({ ...FAST_TRAINING, recipes: ['similar-items'], promote: 'never' });
    const v2 = versions[0];
    assert.equal(gu.serving()['similar-items']!.id, v1.id);

    assert.equal((await gu.promote(v2.id)).id, v2.id);
    assert.equal(gu.serving()['similar-items']!.id, v2.id);
    assert.equal(gu.recommend(pdp).modelVersion, v2.id, 'the cache does not serve the old version');

    assert.equal((await gu.rollback('similar-items')).id, v1.id);
    assert.equal(gu.serving()['similar-items']!.id, v1.id);
    assert.equal(gu.recommend(pdp).modelVersion, v1.id);
    assert.equal((await gu.stores.models.serving())['similar-items'], v1.id);

    await assert.rejects(gu.rollback('similar-items'), isCode('NO_PREVIOUS_MODEL'));
    assert.equal(gu.serving()['similar-items']!.id, v1.id);
    await assert.rejects(gu.rollback('random'), isCode('NO_MODEL'));
    await assert.rejects(gu.promote('no-such-version'), isCode('UNKNOWN_MODEL'));
  });

  test('promoting the version already serving loads and records nothing', async () => {
    const { gu, stores } = await trainedShop();
    const v1 = gu.serving()['similar-items']!;
    const recorded: string[] = [];
    stores.models.promote = async (_recipe, id) => void recorded.push(id);
    assert.equal((await gu.promote(v1.id)).id, v1.id);
    assert.deepEqual(recorded, []);
    assert.equal(gu.serving()['similar-items'], v1, 'the same loaded model serves');
  });

  test('a promotion whose record step fails puts the previous model back', async () => {
    const { gu, stores } = await trainedShop();
    const v1 = gu.serving()['similar-items']!;
    const { versions } = await gu.train({ ...FAST_TRAINING, recipes: ['similar-items'], promote: 'never' });
    stores.models.promote = async () => {
      throw new Error('disk full');
    };
    await assert.rejects(gu.promote(versions[0].id), /step record failed: disk full/);
    assert.equal(gu.serving()['similar-items']!.id, v1.id);
    assert.equal(gu.recommend({ placement: 'pdp', itemId: 'a3', n: 3 }).modelVersion, v1.id);
    assert.equal((await stores.models.serving())['similar-items'], v1.id);
  });

  test('a first promotion that fails leaves the recipe unserved, not broken', async () => {
    const { gu, stores } = await openShop();
    const { versions } = await gu.train({ ...FAST_TRAINING, recipes: ['similar-items'], promote: 'never' });
    const promote = stores.models.promote.bind(stores.models);
    stores.models.promote = async () => {
      throw new Error('disk full');
    };
    await assert.rejects(gu.promote(versions[0].id), /step record failed/);
    assert.deepEqual(gu.serving(), {});
    assert.deepEqual((await gu.status()).recipes, []);
    const r = gu.recommend({ placement: 'pdp', itemId: 'a3', n: 3 });
    assert.equal(r.fallback, true);
    stores.models.promote = promote;
    await gu.promote(versions[0].id);
    assert.equal(gu.serving()['similar-items']!.id, versions[0].id);
  });

  test('a version promoted while events stream in misses none of them', async () => {
    const { gu } = await trainedShop();
    const { versions } = await gu.train({ ...FAST_TRAINING, recipes: ['popular'], promote: 'never' });
    const buyers = Array.from({ length: 30 }, (_, k) =>
      activity({ userId: `buyer${k}` }, ['b10'], 'purchase'),
    ).flat();
    await gu.ingest(buyers); // the processor starts on them…
    await gu.promote(versions[0].id); // …while the new version loads
    await gu.processor.wake();
    const live = gu.serving().popular!;
    assert.equal(live.id, versions[0].id);
    assert.equal(gu.top('popular', 1)[0].itemId, 'b10', 'the new version counted every new purchase');
  });
});

describe('Gu: shoppers', () => {
  test('login: the anonymous session’s history counts for the user', async () => {
    const { gu, stores } = await trainedShop();
    await ingestAndProcess(gu, activity({ sessionId: 'anon-1' }, ['b1', 'b2', 'b3']));
    const anonymous = gu.recommend({ sessionId: 'anon-1', placement: 'home', n: 4 });
    assert.ok(ids(anonymous).every((id) => tribeOf(id) === 'B'));

    await ingestAndProcess(
      gu,
      activity({ userId: 'kim', sessionId: 'anon-1' }, ['b4'], 'view', NOW - HOUR / 2),
    );
    assert.equal(gu.states.get('s:anon-1'), undefined);
    assert.deepEqual(gu.states.get('u:kim')!.recent.items, ['b1', 'b2', 'b3', 'b4']);
    assert.deepEqual(await stores.users.sessions('kim'), ['anon-1']);
    assert.equal((await stores.events.timeline('u:kim', 10)).length, 4);
    const r = gu.recommend({ userId: 'kim', placement: 'home', n: 4 });
    assert.equal(r.recipe, 'user-personalization');
    assert.ok(
      ids(r).every((id) => tribeOf(id) === 'B'),
      `${ids(r)}`,
    );
    for (const seen of ['b1', 'b2', 'b3', 'b4']) assert.ok(!ids(r).includes(seen));
  });

  test('deleteUser erases the user’s events from the log, the event store and the lake, and their state', async () => {
    const { gu, stores } = await trainedShop();
    await gu.putUsers([{ userId: 'erin', personal: { email: 'erin@example.vn' } }]);
    await ingestAndProcess(gu, [
      ...activity({ sessionId: 'erin-phone' }, ['a1', 'a2']),
      ...activity({ userId: 'erin', sessionId: 'erin-phone' }, ['a3'], 'view', NOW - HOUR / 2),
      ...activity({ userId: 'erin' }, ['a4'], 'add_to_cart', NOW - HOUR / 4),
    ]);
    const before = (await allLogged(stores)).length;
    assert.ok(gu.recommend({ userId: 'erin', placement: 'home', n: 3 }).recipe !== 'popular');

    const { events } = await gu.deleteUser('erin');
    assert.equal(events, 4);
    const mine = (e: LoggedEvent) => e.userId === 'erin' || e.sessionId === 'erin-phone';
    assert.equal((await allLogged(stores)).length, before - 4);
    assert.ok(!(await allLogged(stores)).some(mine));
    assert.ok(!(await lakeEvents(stores)).some(mine));
    assert.deepEqual(await stores.events.timeline('u:erin', 100), []);
    assert.deepEqual(await stores.events.timeline('s:erin-phone', 100), []);
    assert.equal(gu.states.get('u:erin'), undefined);
    assert.equal(gu.states.get('s:erin-phone'), undefined);
    assert.equal(await stores.users.get('erin'), undefined);
    assert.deepEqual(await stores.users.sessions('erin'), []);
    assert.ok(await stores.meta.get('erasure/pending'), 'recorded for the next training');
    assert.equal(gu.recommend({ userId: 'erin', placement: 'home', n: 3 }).recipe, 'popular');
    // Other shoppers are untouched.
    assert.equal(gu.states.get('u:u0')!.recent.items.length, 9);
    assert.equal((await stores.events.timeline('u:u0', 100)).length, 9);

    await assert.rejects(gu.deleteUser('erin'), isCode('UNKNOWN_USER'));
    await assert.rejects(gu.deleteUser('nobody'), isCode('UNKNOWN_USER'));
    // The next training no longer sees them.
    const report = await gu.train({ ...FAST_TRAINING, recipes: ['popular'], promote: 'never' });
    assert.equal(report.versions[0].data.users, 40);
  });

  test('expire keeps 30 days of events in the event store and 365 days of partitions in the lake', async () => {
    const { gu, stores } = await openShop({ history: false });
    await ingestAndProcess(gu, [
      ...activity({ userId: 'last-year' }, ['a1'], 'view', NOW - 400 * DAY),
      ...activity({ userId: 'last-month' }, ['a2'], 'view', NOW - 40 * DAY),
      ...activity({ userId: 'today' }, ['a3'], 'view', NOW - HOUR),
    ]);
    const timelines = async () =>
      Promise.all(
        ['last-year', 'last-month', 'today'].map(
          async (u) => (await stores.events.timeline(`u:${u}`, 10)).length,
        ),
      );
    const lakeUsers = async () => (await lakeEvents(stores)).map((e) => e.userId).sort();
    assert.deepEqual(await lakeUsers(), ['last-month', 'last-year', 'today']);
    const before = await timelines();

    const expired = await gu.expire();
    assert.deepEqual(expired.partitions, [dayOf(NOW - 400 * DAY)]);
    assert.equal(expired.events, before[0] + before[1]);
    assert.deepEqual(await timelines(), [0, 0, 1]);
    assert.deepEqual(await lakeUsers(), ['last-month', 'today']);
    assert.equal(expired.logged, 0, 'the log keeps what was received this week');
    assert.deepEqual(await gu.expire(), { logged: 0, events: 0, partitions: [] }, 'nothing left to expire');
  });

  test('expire drops from the log what is a week old and checkpointed, nothing the processor may replay', async () => {
    const { gu, stores, clock } = await openShop({ history: false });
    await ingestAndProcess(gu, activity({ userId: 'early' }, ['a1', 'a2']));
    await gu.processor.checkpoint();
    await ingestAndProcess(gu, activity({ userId: 'late' }, ['a3']));
    clock.now = NOW + 8 * DAY;
    assert.equal((await gu.expire()).logged, 2, 'the checkpointed events');
    assert.deepEqual(
      (await allLogged(stores)).map((e) => e.userId),
      ['late'],
    );
    await gu.processor.checkpoint();
    assert.equal((await gu.expire()).logged, 1);
    assert.equal(await stores.log.last(), 3);
  });

  test('deleteUser of a user known only by events, and of one with no events', async () => {
    const { gu } = await openShop();
    assert.deepEqual(await gu.deleteUser('u3'), { events: 9 });
    await gu.putUsers([{ userId: 'quiet' }]);
    assert.deepEqual(await gu.deleteUser('quiet'), { events: 0 });
  });
});

/** What a live report says of events (what it says of served answers is the serving process's own). */
const ofEvents = (r: KpiReport) => ({
  eventsPerSecond: r.eventsPerSecond,
  shoppers: r.shoppers,
  conversionRate: r.conversionRate,
  bounceRate: r.bounceRate,
  orders: r.orders,
  revenue: r.revenue,
  attributedRevenue: r.attributedRevenue,
  widgets: Object.entries(r.widgets)
    .filter(([, w]) => w.impressions || w.clicks)
    .map(([placement, w]) => [placement, w.impressions, w.clicks]),
  series: r.series.map((p) => [p.minute, p.events, p.purchases, p.revenue, p.impressions, p.clicks]),
});

describe('Gu: live figures', () => {
  test('survive a crash and restart, each event counted once; an erased shopper leaves them', async () => {
    const { gu, stores, clock } = await trainedShop();
    const answer = gu.recommend({ userId: 'kim', placement: 'home', n: 3 });
    const fromList = { userId: 'kim', recommendationId: answer.recommendationId, timestamp: NOW - 60_000 };
    const first = answer.items[0].itemId;
    await ingestAndProcess(gu, [
      ...answer.items.map(({ itemId }) => ({
        ...fromList,
        eventId: eventId(),
        eventType: 'recommendation_impression' as const,
        itemId,
      })),
      { ...fromList, eventId: eventId(), eventType: 'recommendation_click', itemId: first },
      {
        ...fromList,
        eventId: eventId(),
        eventType: 'purchase',
        itemId: first,
        orderId: 'kim-1',
        price: 200_000,
        quantity: 1,
      },
      ...activity({ userId: 'lan' }, ['a1']),
      // Lan's phone, anonymous, then signed in: one shopper, as the event store files it.
      ...activity({ sessionId: 'lan-phone' }, ['a2'], 'view', NOW - 30_000),
      ...activity({ userId: 'lan', sessionId: 'lan-phone' }, ['a3'], 'view', NOW - 20_000),
    ]);
    clock.now += 60_000;
    const live = gu.kpis.report(60);
    // The shop's history was received within the hour too.
    assert.ok(live.orders > 1 && live.shoppers > 2 && live.widgets.home.clicks === 1);

    // A crash: the processor made no checkpoint since these events, so a new process replays them from the
    // log, as well as rebuilding the shoppers' state from the event store that already holds them.
    const reopened = await Gu.open(stores, { now: () => clock.now, deadlineMs: 10_000 });
    assert.deepEqual(ofEvents(reopened.kpis.report(60)), ofEvents(live));

    await reopened.deleteUser('kim');
    assert.equal(reopened.kpis.report(60).shoppers, live.shoppers - 1);
    await reopened.close();
    await gu.close();
  });
});

describe('Gu: catalog and filters', () => {
  test('items: upsert with per-item rejections; delete marks unavailable and drops it from answers at once', async () => {
    const { gu, stores } = await trainedShop();
    const put = await gu.putItems([
      { itemId: 'a11', title: 'Shoe 11', categories: ['Fashion', 'Shoes'] },
      { title: 'x' },
    ]);
    assert.deepEqual(
      put.valid.map((i) => i.itemId),
      ['a11'],
    );
    assert.deepEqual(
      put.rejected.map((r) => r.index),
      [1],
    );
    assert.equal(gu.catalog.get('a11')!.currency, 'VND');

    const req = { userId: 'u0', placement: 'home' as const, n: 3 };
    const top = gu.recommend(req).items[0].itemId;
    await gu.deleteItem(top);
    assert.equal((await stores.catalog.get(top))!.available, false);
    assert.ok(!ids(gu.recommend(req)).includes(top));
    await assert.rejects(gu.deleteItem('nope'), isCode('UNKNOWN_ITEM'));
  });

  test('filters: put, use with values, list, survive a restart, delete', async () => {
    const { gu, stores } = await trainedShop();
    await assert.rejects(
      gu.putFilter({ name: 'bad name', include: [], exclude: [] }),
      isCode('INVALID_FILTER'),
    );
    await gu.putFilter({
      name: 'brand',
      include: [{ field: 'brand', op: 'in', value: '$brands' }],
      exclude: [],
    });
    assert.deepEqual(
      gu.listFilters().map((f) => f.name),
      ['brand'],
    );
    const req = { userId: 'u0', placement: 'home' as const, n: 4, filter: 'brand' };
    const r = gu.recommend({ ...req, filterValues: { brands: ['Alpha'] } });
    assert.ok(r.items.length > 0);
    assert.ok(r.items.every((i) => gu.catalog.get(i.itemId)!.brand === 'Alpha'));
    assert.throws(() => gu.recommend(req), isCode('FILTER_VALUES_MISSING'));
    assert.throws(() => gu.recommend({ ...req, filter: 'nope' }), isCode('UNKNOWN_FILTER'));

    const reopened = await Gu.open(stores, { now: () => NOW });
    assert.deepEqual(
      reopened.listFilters().map((f) => f.name),
      ['brand'],
    );

    await gu.deleteFilter('brand');
    assert.deepEqual(gu.listFilters(), []);
    assert.throws(
      () => gu.recommend({ ...req, filterValues: { brands: ['Alpha'] } }),
      isCode('UNKNOWN_FILTER'),
      'a deleted filter is not served from the cache',
    );
    await assert.rejects(gu.deleteFilter('brand'), isCode('UNKNOWN_FILTER'));
  });
});

describe('Gu: the fixture', () => {
  test('is the shop the tests assume', () => {
    const events = shopEvents();
    assert.equal(events.length, 360);
    assert.equal(new Set(events.map((e) => e.eventId)).size, 360);
  });
});
