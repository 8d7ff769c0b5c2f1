import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ShopEvent } from '../domain/events.js';
import { checkExperiment } from './experiment.js';
import { ExperimentTally } from './experiment-tally.js';
import { momentsOf } from './moments.test-util.js';
import { compareMeans, compareRatios, sampleSizePerArm } from './statistics.js';

const experiment = checkExperiment(
  {
    name: 'three ways',
    placement: 'pdp',
    variants: [
      { name: 'a', recipe: 'similar-items' },
      { name: 'b', recipe: 'popular' },
      { name: 'c', recipe: 'trending', weight: 2 },
    ],
  },
  'three-ways',
  1000,
);

/** A seeded generator (mulberry32), so that a failure replays. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let serial = 0;
const event = (e: Partial<ShopEvent>): ShopEvent =>
  ({ eventId: `e${++serial}`, timestamp: 2000, receivedAt: 2000, ...e }) as ShopEvent;

describe('ExperimentTally', () => {
  test('its running sums give what counting every shopper and order afresh gives, through logins and erasures', () => {
    const next = random(7);
    const tally = new ExperimentTally(experiment);
    // The truth, kept the simple way: each exposed shopper's variant, revenue and orders' values.
    const truth = new Map<
      string,
      {
        variant: string;
        since: number;
        impressions: number;
        clicks: number;
        revenue: number;
        purchased: boolean;
        orders: Map<string, number>;
      }
    >();
    const generation = new Map<string, number>();
    for (let step = 0; step < 4000; step++) {
      const u = Math.floor(next() * 400);
      const shopper = next() < 0.3 ? { sessionId: `s${u}` } : { userId: `u${u}` };
      const key = shopper.userId ? `u:${shopper.userId}` : `s:${shopper.sessionId}`;
      const roll = next();
      if (roll < 0.4) {
        // Mostly the shopper's own variant; sometimes another's (a list seen before signing in, say).
        const variant = experiment.variants[next() < 0.9 ? u % 3 : Math.floor(next() * 3)].name;
        const click = next() < 0.2;
        // Event times out of order, as two devices' clocks send them.
        const timestamp = 2000 + Math.floor(next() * 1000);
        tally.record(
          event({
            ...shopper,
            eventType: click ? 'recommendation_click' : 'recommendation_impression',
            itemId: 'x',
            recommendationId: `pdp.three-ways.${variant}.${step}`,
            timestamp,
          }),
        );
        if (!truth.has(key))
          truth.set(key, {
            variant,
            since: timestamp,
            impressions: 0,
            clicks: 0,
            revenue: 0,
            purchased: false,
            orders: new Map(),
          });
        const t = truth.get(key)!;
        if (t.variant === variant) {
          t.since = Math.min(t.since, timestamp);
          if (click) t.clicks++;
          else t.impressions++;
        }
      } else if (roll < 0.8) {
        const price = Math.round(next() * 500) * 1000;
        const quantity = 1 + Math.floor(next() * 3);
        // Order ids are the shop's: a session that signed in and browses anonymously again places new ones.
        const orderId = `${key}-${generation.get(key) ?? 0}-o${Math.floor(next() * 3)}`;
        const timestamp = 2000 + Math.floor(next() * 1000);
        tally.record(
          event({ ...shopper, eventType: 'purchase', itemId: 'x', price, quantity, orderId, timestamp }),
        );
        const t = truth.get(key);
        // A purchase counts from the shopper's first exposure on, by event time.
        if (t && timestamp >= t.since) {
          t.revenue += price * quantity;
          t.purchased = true;
          t.orders.set(orderId, (t.orders.get(orderId) ?? 0) + price * quantity);
        }
      } else if (roll < 0.95 && shopper.sessionId) {
        // The session signs in as user u.
        tally.record(
          event({ userId: `u${u}`, sessionId: shopper.sessionId, eventType: 'view', itemId: 'x' }),
        );
        // Exposed on both devices, the shopper keeps the earlier exposure (the user's on a tie).
        const session = truth.get(`s:${shopper.sessionId}`);
        const user = truth.get(`u:u${u}`);
        truth.delete(`s:${shopper.sessionId}`);
        generation.set(key, (generation.get(key) ?? 0) + 1);
        if (session && (!user || session.since < user.since)) truth.set(`u:u${u}`, session);
      } else {
        tally.erase([key]);
        truth.delete(key);
      }
    }
    const results = tally.results(5000);
    const [control] = [...truth.values()].filter((t) => t.variant === 'a');
    assert.ok(control, 'the control has shoppers');
    const shoppersOf = (v: string) => [...truth.values()].filter((t) => t.variant === v);
    // The plan starts from the control's conversion, at 0.05 split over the two treatments.
    const controlShoppers = [...truth.values()].filter((t) => t.variant === 'a');
    const rate = controlShoppers.filter((t) => t.purchased).length / controlShoppers.length;
    assert.equal(results.plan.shoppersPerVariant.conversionRate, sampleSizePerArm(rate, 0.1, 0.025, 0.8));
    assert.ok(results.plan.shoppersPerVariant.ctr! > 0, 'a CTR plan');
    const ordersOf = (v: string) => shoppersOf(v).flatMap((t) => [...t.orders.values()]);
    for (const v of results.variants) {
      const shoppers = shoppersOf(v.name);
      const orders = ordersOf(v.name);
      const revenue = orders.reduce((a, b) => a + b, 0);
      assert.equal(v.shoppers, shoppers.length, `${v.name} shoppers`);
      assert.equal(v.purchasers, shoppers.filter((t) => t.purchased).length, `${v.name} purchasers`);
      assert.equal(v.orders, orders.length, `${v.name} orders`);
      assert.equal(v.revenue, revenue, `${v.name} revenue`);
      assert.equal(
        v.impressions,
        shoppers.reduce((n, t) => n + t.impressions, 0),
        `${v.name} impressions`,
      );
      assert.equal(
        v.clicks,
        shoppers.reduce((n, t) => n + t.clicks, 0),
        `${v.name} clicks`,
      );
      if (v.name === 'a') continue;
      const ratios = (list: typeof shoppers) => ({
        n: list.length,
        sumX: list.reduce((n, t) => n + t.clicks, 0),
        sumY: list.reduce((n, t) => n + t.impressions, 0),
        sumXX: list.reduce((n, t) => n + t.clicks ** 2, 0),
        sumYY: list.reduce((n, t) => n + t.impressions ** 2, 0),
        sumXY: list.reduce((n, t) => n + t.clicks * t.impressions, 0),
      });
      const ctr = compareRatios(ratios(shoppersOf('a')), ratios(shoppers), 0.975)!;
      assert.ok(Math.abs(v.vsControl!.ctr!.pValue - ctr.pValue) < 1e-9, `${v.name} CTR test`);
      assert.ok(Math.abs(v.vsControl!.ctr!.interval[0] - ctr.interval[0]) < 1e-9, `${v.name} CTR interval`);
      const fresh = compareMeans(momentsOf(ordersOf('a')), momentsOf(orders))!;
      assert.ok(Math.abs(v.vsControl!.averageOrderValue!.pValue - fresh.pValue) < 1e-9, `${v.name} AOV test`);
      const perShopper = compareMeans(
        momentsOf(shoppersOf('a').map((t) => t.revenue)),
        momentsOf(shoppers.map((t) => t.revenue)),
      )!;
      assert.ok(
        Math.abs(v.vsControl!.revenuePerShopper!.pValue - perShopper.pValue) < 1e-9,
        `${v.name} revenue per shopper test`,
      );
    }
  });

  test('counts nothing before the start or after the stop, nor lists of another experiment, nor events stamped days before', () => {
    const tally = new ExperimentTally({ ...experiment, stoppedAt: 3000 });
    const impression = (receivedAt: number, recommendationId = 'pdp.three-ways.a.1') =>
      event({
        userId: 'u1',
        eventType: 'recommendation_impression',
        itemId: 'x',
        recommendationId,
        receivedAt,
      });
    tally.record(impression(999));
    tally.record(impression(3001));
    tally.record(impression(2000, 'pdp.other.a.1'));
    tally.record(impression(2000, 'pdp.1'));
    // Received while it ran, but stamped more than a day before it started (a device clock days behind).
    tally.record({ ...impression(2000), timestamp: 1000 - 86_400_001 });
    assert.deepEqual(
      tally.results(4000).variants.map((v) => v.impressions),
      [0, 0, 0],
    );
    tally.record(impression(2000));
    assert.deepEqual(
      tally.results(4000).variants.map((v) => [v.impressions, v.shoppers]),
      [
        [1, 1],
        [0, 0],
        [0, 0],
      ],
    );
  });

  test("plans for the experiment's minimum lift, and for 10% in tests started before it could be chosen", () => {
    // Control shoppers u0–u9, two of whom buy.
    const plan = (minimumLift: number | undefined) => {
      const tally = new ExperimentTally({ ...experiment, minimumLift });
      for (let u = 0; u < 10; u++) {
        const shopper = { userId: `u${u}`, itemId: 'x' };
        tally.record(
          event({
            ...shopper,
            eventType: 'recommendation_impression',
            recommendationId: 'pdp.three-ways.a.1',
          }),
        );
        if (u < 2) tally.record(event({ ...shopper, eventType: 'purchase', price: 100 }));
      }
      return tally.results(5000).plan;
    };
    const fine = plan(0.05);
    assert.equal(fine.minimumLift, 0.05);
    assert.equal(fine.shoppersPerVariant.conversionRate, sampleSizePerArm(0.2, 0.05, 0.025, 0.8));
    const old = plan(undefined);
    assert.equal(old.minimumLift, 0.1);
    assert.equal(old.shoppersPerVariant.conversionRate, sampleSizePerArm(0.2, 0.1, 0.025, 0.8));
    assert.ok(fine.shoppersPerVariant.conversionRate! > 3 * old.shoppersPerVariant.conversionRate!);
  });
});
