import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventType } from '../domain/events.js';
import type { LoggedEvent } from '../ports/event-log.js';
import { newRecommendationId, PLACEMENTS, placementOfRecommendation } from '../serving/placements.js';
import { KpiTracker } from './kpis.js';

const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);
let offset = 0;
const ev = (
  eventType: EventType,
  userId: string,
  at: number,
  over: Partial<LoggedEvent> = {},
): LoggedEvent => ({
  eventId: `e${++offset}`,
  offset,
  eventType,
  userId,
  itemId: 'i1',
  timestamp: at,
  receivedAt: at,
  ...over,
});

/** Events told one at a time, as the stream processor tells them. */
const recordAll = (kpis: KpiTracker, events: readonly LoggedEvent[]) => {
  for (const e of events) kpis.recordEvent(e);
};

test('CTR per widget, conversion, bounce, orders and AOV over the window', () => {
  let now = T0;
  const kpis = new KpiTracker(() => now);
  const [home, pdp] = [newRecommendationId('home'), newRecommendationId('pdp')];
  kpis.recordServed('home', 2, false);
  kpis.recordServed('pdp', 4, false);
  kpis.recordServed('pdp', 6, true);
  recordAll(kpis, [
    ev('recommendation_impression', 'a', T0, { recommendationId: home }),
    ev('recommendation_impression', 'b', T0, { recommendationId: home }),
    ev('recommendation_click', 'a', T0 + 1000, { recommendationId: home }),
    ev('recommendation_impression', 'a', T0 + 2000, { recommendationId: pdp }),
    ev('view', 'a', T0 + 3000),
    ev('purchase', 'a', T0 + 4000, { price: 100_000, quantity: 2, orderId: 'o1', recommendationId: pdp }),
    ev('purchase', 'a', T0 + 4000, { price: 50_000, orderId: 'o1' }),
    ev('view', 'c', T0 + 5000),
  ]);
  now = T0 + 60_000;
  const r = kpis.report(5);
  assert.deepEqual(r.widgets.home, { served: 1, impressions: 2, clicks: 1, ctr: 0.5 });
  assert.deepEqual(r.widgets.pdp, { served: 2, impressions: 1, clicks: 0, ctr: 0 });
  // a clicked and bought; c viewed once (a bounce); b only saw a list, which is no visit.
  assert.equal(r.shoppers, 2);
  assert.equal(r.conversionRate, 0.5);
  assert.equal(r.bounceRate, 0.5);
  assert.equal(r.orders, 1);
  assert.equal(r.revenue, 250_000);
  assert.equal(r.averageOrderValue, 250_000);
  assert.equal(r.attributedRevenue, 200_000);
  assert.equal(r.recommendations.answers, 3);
  assert.equal(r.recommendations.fallbacks, 1);
  assert.equal(r.recommendations.latencyP50Ms, 4);
  assert.equal(r.series.length, 5);
  assert.equal(
    r.series.reduce((n, p) => n + p.events, 0),
    8,
  );
  // 8 events over the window's 4 whole minutes before the current one (which has just begun): 240 s.
  assert.ok(Math.abs(r.eventsPerSecond - 8 / 240) < 1e-9);
});

test('figures leave the window as time passes, and an empty window has no rates', () => {
  let now = T0;
  const kpis = new KpiTracker(() => now);
  recordAll(kpis, [ev('view', 'a', T0)]);
  now = T0 + 10 * 60_000;
  const r = kpis.report(5);
  assert.equal(r.shoppers, 0);
  assert.equal(r.conversionRate, null);
  assert.equal(r.averageOrderValue, null);
  assert.equal(
    r.series.every((p) => p.events === 0),
    true,
  );
  assert.equal(kpis.report(60).shoppers, 1);
});

test('impressions of lists the server never served count under unknown', () => {
  const kpis = new KpiTracker(() => T0);
  recordAll(
    kpis,
    ['elsewhere', 'shelf.1234', '.home', 'homepage'].map((recommendationId) =>
      ev('recommendation_impression', 'a', T0, { recommendationId }),
    ),
  );
  assert.equal(kpis.report(1).widgets.unknown.impressions, 4);
});

test('a recommendation id names its placement, however long ago it was served', () => {
  for (const placement of PLACEMENTS) {
    const id = newRecommendationId(placement);
    assert.match(id, new RegExp(`^${placement}\\.[0-9a-f-]{36}$`));
    assert.equal(placementOfRecommendation(id), placement);
  }
  assert.notEqual(newRecommendationId('home'), newRecommendationId('home'));
});

test('events received before the last day are passed over; an erased shopper leaves the shoppers counted', () => {
  const now = T0 + 25 * 60 * 60_000;
  const kpis = new KpiTracker(() => now);
  recordAll(kpis, [
    ev('purchase', 'old', T0, { price: 1_000, orderId: 'o-old' }),
    ev('view', 'a', now - 60_000),
    ev('purchase', 'b', now - 30_000, { price: 2_000, orderId: 'o-b' }),
  ]);
  const day = kpis.report(24 * 60);
  assert.deepEqual([day.shoppers, day.orders, day.revenue], [2, 1, 2_000]);
  kpis.erase(['u:b']);
  const after = kpis.report(24 * 60);
  assert.deepEqual([after.shoppers, after.conversionRate, after.orders], [1, 0, 1]);
});
