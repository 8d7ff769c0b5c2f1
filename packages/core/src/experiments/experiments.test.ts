import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import { GuError } from '../errors.js';
import { Gu, type GuChange } from '../service/gu.js';
import {
  DAY,
  FAST_TRAINING,
  HOUR,
  NOW,
  eventId,
  trainedShop,
  type RawEvent,
} from '../service/shop-fixture.test-util.js';
import { armOfRecommendation } from '../serving/placements.js';

const isCode = (code: string) => (e: unknown) => e instanceof GuError && e.code === code;

const HOME_TEST = {
  name: 'Gợi ý cho bạn vs bán chạy',
  placement: 'home',
  variants: [
    { name: 'bestsellers', recipe: 'popular' },
    { name: 'for-you', recipe: 'user-personalization' },
  ],
};

/** What a tracker sends for a list it shows: an impression per item, a click on the first when asked. */
function seen(
  shopper: { userId?: string; sessionId?: string },
  recommendationId: string,
  items: string[],
  click: boolean,
  at = NOW + 60_000,
): RawEvent[] {
  const events: RawEvent[] = items.map((itemId) => ({
    eventId: eventId(),
    eventType: 'recommendation_impression',
    ...shopper,
    itemId,
    recommendationId,
    timestamp: at,
  }));
  if (click)
    events.push({
      eventId: eventId(),
      eventType: 'recommendation_click',
      ...shopper,
      itemId: items[0],
      recommendationId,
      timestamp: at + 1000,
    });
  return events;
}

const purchase = (
  userId: string,
  orderId: string,
  itemId: string,
  price: number,
  quantity = 1,
): RawEvent => ({
  eventId: eventId(),
  eventType: 'purchase',
  userId,
  itemId,
  orderId,
  price,
  quantity,
  timestamp: NOW + 120_000,
});

/** A writer and a serving replica of its stores, the writer's changes delivered when asked (as a cluster's relay). */
async function writerAndReplica() {
  const relay: GuChange[] = [];
  const { gu: writer, stores, clock } = await trainedShop({ options: { onChange: (c) => relay.push(c) } });
  const replica = await Gu.open(stores, { now: () => clock.now, deadlineMs: 10_000, follower: true });
  const deliver = async () => {
    for (const change of relay.splice(0)) await replica.apply(change);
  };
  return { writer, replica, deliver };
}

/** A user whom the running home experiment's hash puts in another variant than the given one. */
function userOutside(gu: Gu, variant: string): string {
  for (let u = 0; ; u++)
    if (gu.recommend({ userId: `member-${u}`, placement: 'home', n: 3 }).variant !== variant)
      return `member-${u}`;
}

describe('Experiments through Gu', () => {
  test('each shopper sees one variant, whose recipe leads the list; anonymous requests see the default', async () => {
    const { gu } = await trainedShop();
    const started = await gu.experiments.start(HOME_TEST);
    assert.match(started.id, /^goi-y-cho-ban-vs-ban-chay-[a-z0-9]{4}$/);
    assert.equal(started.status, 'running');
    const seenVariants = new Set<string>();
    for (let u = 0; u < 40; u++) {
      const answer = gu.recommend({ userId: `u${u}`, placement: 'home', n: 5 });
      const again = gu.recommend({ userId: `u${u}`, placement: 'home', n: 5 });
      assert.equal(again.variant, answer.variant, 'the same shopper, the same variant');
      assert.deepEqual(armOfRecommendation(answer.recommendationId), {
        experiment: started.id,
        variant: answer.variant,
      });
      assert.equal(answer.recipe, answer.variant === 'bestsellers' ? 'popular' : 'user-personalization');
      seenVariants.add(answer.variant);
    }
    assert.deepEqual([...seenVariants].sort(), ['bestsellers', 'for-you']);
    const anonymous = gu.recommend({ placement: 'home', n: 5 });
    assert.equal(anonymous.variant, 'default');
    assert.equal(armOfRecommendation(anonymous.recommendationId), undefined);
    // Other placements are not in the test.
    assert.equal(gu.recommend({ userId: 'u0', placement: 'pdp', itemId: 'a1', n: 5 }).variant, 'default');
    await gu.close();
  });

  test('one experiment per placement; a running one cannot be deleted; unknown ids are 404s', async () => {
    const { gu } = await trainedShop({ shoppers: 4 });
    // Two starts at once on one placement: one runs, the other is refused.
    const both = await Promise.allSettled([gu.experiments.start(HOME_TEST), gu.experiments.start(HOME_TEST)]);
    assert.deepEqual(
      both.map((r) => r.status),
      ['fulfilled', 'rejected'],
    );
    assert.ok(isCode('EXPERIMENT_RUNNING')((both[1] as PromiseRejectedResult).reason));
    const home = (both[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof gu.experiments.start>>>).value;
    await assert.rejects(gu.experiments.start(HOME_TEST), isCode('EXPERIMENT_RUNNING'));
    const pdp = await gu.experiments.start({ ...HOME_TEST, placement: 'pdp' });
    await assert.rejects(gu.experiments.delete(home.id), isCode('EXPERIMENT_RUNNING'));
    await assert.rejects(gu.experiments.stop('nope'), isCode('UNKNOWN_EXPERIMENT'));
    assert.throws(() => gu.experiments.get('nope'), isCode('UNKNOWN_EXPERIMENT'));
    await assert.rejects(gu.experiments.start({ ...HOME_TEST, variants: [] }), isCode('INVALID_REQUEST'));
    await gu.experiments.stop(home.id);
    await gu.experiments.start(HOME_TEST); // the placement is free again
    await gu.experiments.delete(home.id);
    assert.ok(!gu.experiments.list().some((e) => e.id === home.id), 'deleted');
    assert.equal(gu.experiments.list().length, 2);
    assert.equal(gu.experiments.get(pdp.id).status, 'running');
    await gu.close();
  });

  test('counts impressions, clicks, conversions and orders per variant, recounts them after a restart, and freezes them on stop', async () => {
    const { gu, stores, clock } = await trainedShop();
    const { id } = await gu.experiments.start(HOME_TEST);
    const expected = new Map<
      string,
      { shoppers: number; impressions: number; clicks: number; buyers: number; revenue: number }
    >();
    const events: RawEvent[] = [];
    for (let u = 0; u < 40; u++) {
      const shopper = { userId: `u${u}` };
      const answer = gu.recommend({ ...shopper, placement: 'home', n: 3 });
      const e = expected.get(answer.variant) ?? {
        shoppers: 0,
        impressions: 0,
        clicks: 0,
        buyers: 0,
        revenue: 0,
      };
      expected.set(answer.variant, e);
      const click = u % 3 === 0;
      events.push(
        ...seen(
          shopper,
          answer.recommendationId,
          answer.items.map((i) => i.itemId),
          click,
        ),
      );
      e.shoppers++;
      e.impressions += answer.items.length;
      if (click) e.clicks++;
      if (u % 4 === 0) {
        // An order of two lines: one order, its value the sum of the lines.
        events.push(
          purchase(`u${u}`, `order-${u}`, 'a1', 100_000, 2),
          purchase(`u${u}`, `order-${u}`, 'b2', 50_000),
        );
        e.buyers++;
        e.revenue += 250_000;
      }
    }
    // A purchase by a shopper who never saw the experiment counts nowhere.
    events.push(purchase('stranger', 'order-x', 'a1', 999_000));
    for (let i = 0; i < events.length; i += 500) await gu.ingest(events.slice(i, i + 500));
    await gu.processor.wake();

    const check = (results: NonNullable<ReturnType<typeof gu.experiments.get>['results']>) => {
      for (const v of results.variants) {
        const e = expected.get(v.name)!;
        assert.deepEqual(
          [v.shoppers, v.impressions, v.clicks, v.purchasers, v.orders, v.revenue],
          [e.shoppers, e.impressions, e.clicks, e.buyers, e.buyers, e.revenue],
          v.name,
        );
        assert.equal(v.ctr, e.clicks / e.impressions);
        assert.equal(v.conversionRate, e.buyers / e.shoppers);
        assert.equal(v.averageOrderValue, e.buyers ? 250_000 : null);
      }
      const [control, treatment] = results.variants;
      assert.equal(control.vsControl, undefined);
      assert.ok(treatment.vsControl?.ctr, 'the CTR compared');
      assert.ok(treatment.vsControl.ctr.pValue >= 0 && treatment.vsControl.ctr.pValue <= 1);
      assert.equal(results.alpha, 0.05);
    };
    const live = gu.experiments.get(id).results!;
    check(live);

    // A restart recounts the running experiment from the event store.
    await gu.close();
    const reopened = await Gu.open(stores, { now: () => clock.now, deadlineMs: 10_000 });
    check(reopened.experiments.get(id).results!);

    // Stopping freezes the figures: later events do not move them, and shoppers see the default again.
    clock.now += HOUR;
    const stopped = await reopened.experiments.stop(id);
    assert.equal(stopped.status, 'stopped');
    check(stopped.results!);
    clock.now += HOUR;
    await reopened.ingest([purchase('u0', 'order-late', 'a1', 1_000_000)]);
    await reopened.processor.wake();
    assert.deepEqual(reopened.experiments.get(id).results, stopped.results);
    assert.equal(reopened.recommend({ userId: 'u0', placement: 'home', n: 3 }).variant, 'default');
    await reopened.close();
  });

  test('an experiment running longer than the event store keeps its first days after a restart: the lake recounts them, once', async () => {
    const { gu, stores, clock } = await trainedShop();
    const { id } = await gu.experiments.start(HOME_TEST);
    /** Twenty shoppers see the test's lists at `at`; a third click, a quarter buy. */
    const wave = async (first: number, at: number) => {
      const events: RawEvent[] = [];
      for (let u = first; u < first + 20; u++) {
        const answer = gu.recommend({ userId: `u${u}`, placement: 'home', n: 3 });
        const items = answer.items.map((i) => i.itemId);
        events.push(...seen({ userId: `u${u}` }, answer.recommendationId, items, u % 3 === 0, at));
        if (u % 4 === 0)
          events.push({ ...purchase(`u${u}`, `order-${u}`, 'a1', 100_000), timestamp: at + 120_000 });
      }
      await gu.ingest(events);
      await gu.processor.wake();
    };
    await wave(0, clock.now + 60_000);
    clock.now += 40 * DAY;
    await wave(20, clock.now + 60_000);
    // Stamped (by slow clocks) on the first day the event store keeps, after its first moment: in the store
    // and in the lake's partition of that day, to be counted from one of them only.
    await wave(40, clock.now - 30 * DAY + HOUR);
    const { events } = await gu.expire();
    assert.ok(events > 0, 'the first wave has left the event store');
    const live = gu.experiments.get(id).results!;
    const total = (r: typeof live, field: 'shoppers' | 'impressions' | 'clicks' | 'purchasers') =>
      r.variants.reduce((sum, v) => sum + v[field], 0);
    assert.deepEqual(
      [total(live, 'shoppers'), total(live, 'impressions'), total(live, 'clicks'), total(live, 'purchasers')],
      [60, 180, 20, 15],
    );

    // A crash between the lake's flush and the checkpoint has the processor append events again: the lake
    // then holds a second copy of one, with the same log offset.
    let copy;
    for await (const e of stores.lake.scan())
      if (!copy && e.eventType === 'recommendation_impression') copy = e;
    assert.ok(copy && copy.timestamp < clock.now - 30 * DAY, 'a first-wave impression');
    await stores.lake.append([copy]);
    await stores.lake.flush();

    await gu.close();
    const reopened = await Gu.open(stores, { now: () => clock.now, deadlineMs: 10_000 });
    assert.deepEqual(reopened.experiments.get(id).results, live);
    await reopened.close();
  });

  test("an event a slow clock stamped before the event store's first moment is recounted from the lake", async () => {
    const { gu, stores, clock } = await trainedShop();
    const { id } = await gu.experiments.start(HOME_TEST);
    const answer = gu.recommend({ userId: 'u1', placement: 'home', n: 2 });
    const items = answer.items.map((i) => i.itemId);
    // Received as the test starts, stamped 18 hours earlier by the device.
    await gu.ingest(seen({ userId: 'u1' }, answer.recommendationId, items, true, clock.now - 18 * HOUR));
    await gu.processor.wake();
    // 30 days less 12 hours on: the event store's first moment is 12 hours after the start, past the stamps.
    clock.now += 30 * DAY - 12 * HOUR;
    await gu.expire();
    const live = gu.experiments.get(id).results!;
    assert.equal(
      live.variants.reduce((n, v) => n + v.impressions, 0),
      2,
    );
    await gu.close();
    const reopened = await Gu.open(stores, { now: () => clock.now, deadlineMs: 10_000 });
    assert.deepEqual(reopened.experiments.get(id).results, live);
    await reopened.close();
  });

  test('a session that signs in keeps its variant; an erased shopper leaves the figures', async () => {
    const { gu } = await trainedShop({ shoppers: 4 });
    const { id } = await gu.experiments.start({ ...HOME_TEST, placement: 'pdp' });
    const answer = gu.recommend({ sessionId: 'anon-1', placement: 'pdp', itemId: 'a1', n: 2 });
    await gu.ingest(seen({ sessionId: 'anon-1' }, answer.recommendationId, ['a2'], true));
    // Signing in: an event with both ids, then the user's purchase.
    await gu.ingest([
      {
        eventId: eventId(),
        eventType: 'view',
        userId: 'buyer',
        sessionId: 'anon-1',
        itemId: 'a2',
        timestamp: NOW,
      },
      purchase('buyer', 'order-1', 'a2', 300_000),
    ]);
    await gu.processor.wake();
    const variant = (r: ReturnType<typeof gu.experiments.get>) =>
      r.results!.variants.find((v) => v.name === answer.variant)!;
    assert.deepEqual(
      [variant(gu.experiments.get(id)).shoppers, variant(gu.experiments.get(id)).revenue],
      [1, 300_000],
    );
    await gu.deleteUser('buyer');
    assert.deepEqual(
      [variant(gu.experiments.get(id)).shoppers, variant(gu.experiments.get(id)).revenue],
      [0, 0],
    );
    await gu.close();
  });

  test('a shopper exposed on two devices keeps the earlier exposure on signing in, and after a restart', async () => {
    const { gu, stores, clock } = await trainedShop();
    const { id } = await gu.experiments.start(HOME_TEST);
    const home = (shopper: { userId?: string; sessionId?: string }, on = gu) =>
      on.recommend({ ...shopper, placement: 'home', n: 3 });
    const sessionId = 'tablet-1';
    const tablet = home({ sessionId });
    const userId = userOutside(gu, tablet.variant);
    const phone = home({ userId });
    // The tablet's list was seen first (event time), then the phone's; then the shopper signs in on the tablet.
    await gu.ingest(
      seen({ sessionId }, tablet.recommendationId, [tablet.items[0].itemId], false, NOW + 60_000),
    );
    await gu.ingest(seen({ userId }, phone.recommendationId, [phone.items[0].itemId], true, NOW + 120_000));
    await gu.ingest([
      { eventId: eventId(), eventType: 'view', userId, sessionId, itemId: 'a2', timestamp: NOW + 180_000 },
    ]);
    // Purchases arrive after the exposures, one stamped before the first of them by a clock that runs behind.
    await gu.ingest([
      { ...purchase(userId, 'order-early', 'a1', 70_000), timestamp: NOW + 30_000 },
      { ...purchase(userId, 'order-late', 'a2', 90_000), timestamp: NOW + 240_000 },
    ]);
    await gu.processor.wake();
    assert.equal(home({ userId }).variant, tablet.variant, "the earlier exposure is the shopper's");
    const counts = (g: Gu) =>
      g.experiments
        .get(id)
        .results.variants.map((v) => [v.name, v.shoppers, v.impressions, v.clicks, v.orders, v.revenue]);
    const live = counts(gu);
    assert.deepEqual(
      live.find(([name]) => name === tablet.variant),
      [tablet.variant, 1, 1, 0, 1, 90_000],
      'only the purchase after the exposure, by event time',
    );
    assert.deepEqual(
      live.find(([name]) => name === phone.variant),
      [phone.variant, 0, 0, 0, 0, 0],
    );
    // A restart recounts from the event store, where the tablet's events are the user's now: the same.
    await gu.close();
    const reopened = await Gu.open(stores, { now: () => clock.now, deadlineMs: 10_000 });
    assert.equal(home({ userId }, reopened).variant, tablet.variant);
    assert.deepEqual(counts(reopened), live);
    await reopened.close();
  });

  test('a shopper keeps the variant of their first exposure when they sign in, on the writer and a replica', async () => {
    const { writer, replica, deliver } = await writerAndReplica();
    await writer.experiments.start(HOME_TEST);
    await deliver();
    const home = (shopper: { userId?: string; sessionId?: string }, gu = writer) =>
      gu.recommend({ ...shopper, placement: 'home', n: 3 });
    // A session and a user whom the hash puts in different variants.
    const sessionId = 'browser-1';
    const first = home({ sessionId });
    const userId = userOutside(writer, first.variant);
    const drawn = home({ userId }).variant;
    // Before any exposure is processed the user's own draw stands.
    assert.equal(home({ userId, sessionId }).variant, drawn);

    await writer.ingest(seen({ sessionId }, first.recommendationId, [first.items[0].itemId], false));
    await writer.processor.wake();
    await replica.processor.wake();
    for (const gu of [writer, replica]) {
      // Signing in: requests carry both ids, and the session's variant is served.
      assert.equal(home({ userId, sessionId }, gu).variant, first.variant);
      // A user who was never exposed is still drawn by their own id elsewhere (another device).
      assert.equal(
        home({ userId: `${userId}-other` }, gu).variant,
        home({ userId: `${userId}-other` }, writer).variant,
      );
    }
    // The sign-in is processed (an event with both ids): the session's exposure is the user's now, on any device.
    await writer.ingest([
      { eventId: eventId(), eventType: 'view', userId, sessionId, itemId: 'a2', timestamp: NOW },
    ]);
    await writer.processor.wake();
    await replica.processor.wake();
    for (const gu of [writer, replica]) {
      assert.equal(home({ userId }, gu).variant, first.variant);
      assert.equal(home({ userId, sessionId: 'phone-7' }, gu).variant, first.variant);
    }
    // A list shown after signing in counts for that variant: the shopper is one shopper with two impressions.
    const after = home({ userId, sessionId });
    await writer.ingest(seen({ userId, sessionId }, after.recommendationId, [after.items[0].itemId], true));
    await writer.processor.wake();
    const counted = writer.experiments.list()[0].results.variants.find((v) => v.name === first.variant)!;
    assert.deepEqual([counted.shoppers, counted.impressions, counted.clicks], [1, 2, 1]);

    // Erased, the shopper is drawn afresh, on the replica too.
    await writer.ingest([{ eventId: eventId(), eventType: 'view', userId, itemId: 'a1', timestamp: NOW }]);
    await writer.deleteUser(userId);
    await deliver();
    for (const gu of [writer, replica]) assert.equal(home({ userId }, gu).variant, drawn);
    await replica.close();
    await writer.close();
  });

  test("a replica that applied an experiment's first events before learning of it knows them", async () => {
    const { writer, replica, deliver } = await writerAndReplica();
    const { id } = await writer.experiments.start(HOME_TEST);
    // The writer serves a session its first list and the impression is processed by the replica's pass
    // before the change reaches it (a pass can outrun the relay).
    const sessionId = 'early-1';
    const first = writer.recommend({ sessionId, placement: 'home', n: 3 });
    await writer.ingest(seen({ sessionId }, first.recommendationId, [first.items[0].itemId], true));
    await writer.processor.wake();
    await replica.processor.wake();
    await deliver();
    assert.deepEqual(replica.experiments.get(id).results, writer.experiments.get(id).results);
    // Signing in, the shopper is served the session's variant by the replica too.
    const userId = userOutside(writer, first.variant);
    const signedIn = { userId, sessionId, placement: 'home' as const, n: 3 };
    assert.equal(replica.recommend(signedIn).variant, first.variant);
    assert.equal(writer.recommend(signedIn).variant, first.variant);
    await replica.close();
    await writer.close();
  });

  test('a replica serves the variants the writer starts, and stops serving them when told', async () => {
    const { writer, replica, deliver } = await writerAndReplica();
    const { id } = await writer.experiments.start(HOME_TEST);
    await deliver();
    for (let u = 0; u < 10; u++) {
      const req = { userId: `u${u}`, placement: 'home' as const, n: 3 };
      assert.equal(replica.recommend(req).variant, writer.recommend(req).variant);
    }
    // A replica follows the log as the writer does, so it knows who was exposed to what, and counts alike.
    const answer = writer.recommend({ userId: 'u1', placement: 'home', n: 3 });
    await writer.ingest(seen({ userId: 'u1' }, answer.recommendationId, [answer.items[0].itemId], true));
    await writer.processor.wake();
    await replica.processor.wake();
    assert.deepEqual(replica.experiments.get(id).results, writer.experiments.get(id).results);
    assert.equal(
      writer.experiments.get(id).results.variants.find((v) => v.name === answer.variant)!.clicks,
      1,
    );
    await writer.experiments.stop(id);
    await deliver();
    assert.equal(replica.recommend({ userId: 'u0', placement: 'home', n: 3 }).variant, 'default');
    await replica.close();
    await writer.close();
  });

  test('a variant can serve a candidate model version, kept up to date with live events like the serving one', async () => {
    const relay: GuChange[] = [];
    const { gu, stores, clock } = await trainedShop({ options: { onChange: (c) => relay.push(c) } });
    const serving = gu.serving().popular!.id;
    const candidate = (await gu.train({ ...FAST_TRAINING, recipes: ['popular'], promote: 'never' }))
      .versions[0].id;
    const variants = [
      { name: 'serving', recipe: 'popular' },
      { name: 'candidate', recipe: 'popular', modelVersion: candidate },
    ];
    await assert.rejects(
      gu.experiments.start({
        ...HOME_TEST,
        variants: [variants[0], { ...variants[1], modelVersion: 'nope' }],
      }),
      (e: unknown) =>
        isCode('INVALID_REQUEST')(e) && /variants\[1\]\.modelVersion: no model version nope/.test(String(e)),
    );
    await assert.rejects(
      gu.experiments.start({
        ...HOME_TEST,
        variants: [variants[0], { ...variants[1], modelVersion: serving.replace('popular', 'trending') }],
      }),
      isCode('INVALID_REQUEST'),
    );
    const trending = gu.serving().trending!.id;
    await assert.rejects(
      gu.experiments.start({
        ...HOME_TEST,
        variants: [variants[0], { ...variants[1], modelVersion: trending }],
      }),
      (e: unknown) => isCode('INVALID_REQUEST')(e) && /is a trending model, not popular/.test(String(e)),
    );
    assert.equal(gu.experiments.list().length, 0, 'nothing started');

    // Another test stops while this one starts, after its candidate loaded and before its record is written:
    // the candidate stays loaded.
    const other = await gu.experiments.start({ ...HOME_TEST, placement: 'cart' });
    const set = stores.meta.set.bind(stores.meta);
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    stores.meta.set = async (key, value) => {
      if (JSON.stringify(value).includes(candidate)) await gate;
      return set(key, value);
    };
    const starting = gu.experiments.start({ ...HOME_TEST, variants });
    while (!(await gu.status()).experiments.models.includes(candidate)) await setImmediate();
    await gu.experiments.stop(other.id);
    release();
    const { id } = await starting;
    stores.meta.set = set;
    assert.deepEqual((await gu.status()).experiments, { running: [id], models: [candidate] });
    const replica = await Gu.open(stores, { now: () => clock.now, deadlineMs: 10_000, follower: true });
    for (const change of relay.splice(0)) await replica.apply(change);
    // Shoppers new to the shop get the popular list: from the serving version or from the candidate.
    const byVariant = new Map<string, string | null>();
    for (let s = 0; s < 20; s++) {
      const req = { sessionId: `new-${s}`, placement: 'home' as const, n: 3 };
      const answer = gu.recommend(req);
      byVariant.set(answer.variant, answer.modelVersion);
      assert.equal(
        replica.recommend(req).modelVersion,
        answer.modelVersion,
        'the replica serves the same version',
      );
    }
    assert.deepEqual(Object.fromEntries(byVariant), { serving, candidate });

    // b10, which nobody bought, sells now: the candidate learns of it as the serving version does.
    const sales = Array.from({ length: 30 }, (_, k) => purchase(`buyer-${k}`, `o-b10-${k}`, 'b10', 10_000));
    await gu.ingest(sales);
    await gu.processor.wake();
    clock.now += 2 * 60_000; // past the answers cached for shoppers without history
    for (let s = 0; s < 20; s++) {
      const answer = gu.recommend({ sessionId: `new-${s}`, placement: 'home', n: 3 });
      assert.equal(answer.items[0].itemId, 'b10', `${answer.variant} ranks the new best seller first`);
    }
    // A start that fails once its candidate is loaded (its record cannot be written) lets go of it.
    await gu.experiments.stop(id);
    stores.meta.set = async () => {
      throw new Error('disk full');
    };
    await assert.rejects(gu.experiments.start({ ...HOME_TEST, variants }), /disk full/);
    stores.meta.set = set;
    assert.deepEqual((await gu.status()).experiments, { running: [], models: [] });
    await replica.close();
    await gu.close();
  });
});
