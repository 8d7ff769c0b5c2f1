import { shopperKey, type ShopEvent } from '../domain/events.js';
import { placementOfRecommendation } from '../serving/placements.js';
import type { ServedSummary } from './served-tally.js';

const MINUTE = 60_000;
/** How far back the live figures reach. */
export const KPI_HORIZON_MINUTES = 24 * 60;
/** Latency samples kept per minute for percentiles (a reservoir: uniform over the minute's answers). */
const LATENCY_SAMPLES = 512;

interface Bucket {
  minute: number;
  events: number;
  purchases: number;
  orders: Set<string>;
  revenue: number;
  served: Record<string, number>;
  impressions: Record<string, number>;
  clicks: Record<string, number>;
  /** Revenue of purchases that name the recommendation list they came from. */
  attributedRevenue: number;
  latencies: number[];
  answers: number;
  fallbacks: number;
}

interface Shopper {
  lastSeen: number;
  events: number;
  purchased: boolean;
}

export interface KpiSeriesPoint {
  minute: string;
  events: number;
  purchases: number;
  revenue: number;
  impressions: number;
  clicks: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
}

export interface KpiReport {
  windowMinutes: number;
  eventsPerSecond: number;
  /** Per placement: lists served, impressions and clicks reported by the tracker, click-through rate. */
  widgets: Record<string, { served: number; impressions: number; clicks: number; ctr: number | null }>;
  shoppers: number;
  /** Share of shoppers active in the window who bought. */
  conversionRate: number | null;
  /** Share of shoppers active in the window with a single event. */
  bounceRate: number | null;
  orders: number;
  revenue: number;
  averageOrderValue: number | null;
  attributedRevenue: number;
  recommendations: {
    answers: number;
    fallbacks: number;
    latencyP50Ms: number | null;
    latencyP99Ms: number | null;
  };
  series: KpiSeriesPoint[];
}

const percentile = (sorted: number[], p: number): number | null =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : null;
const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const add = (r: Record<string, number>, key: string, n = 1) => (r[key] = (r[key] ?? 0) + n);

/** Reservoir sampling of a minute's latencies: the n-th answer (b.answers) is kept with probability 512 / n. */
function sampleLatency(b: Bucket, tookMs: number): void {
  if (b.latencies.length < LATENCY_SAMPLES) b.latencies.push(tookMs);
  else {
    const slot = Math.floor(Math.random() * b.answers);
    if (slot < LATENCY_SAMPLES) b.latencies[slot] = tookMs;
  }
}

/**
 * The growth team's live figures (PRODUCT.md §1), in one-minute buckets over the last day: events/s,
 * recommendation latency, lists served, impressions and clicks per widget (CTR), conversion, bounce, orders
 * and average order value. Impressions and clicks are matched to the placement that served their list.
 */
export class KpiTracker {
  private buckets = new Map<number, Bucket>();
  private shoppers = new Map<string, Shopper>();

  constructor(private readonly now: () => number = Date.now) {}

  private bucket(time: number): Bucket {
    const minute = Math.floor(time / MINUTE);
    let b = this.buckets.get(minute);
    if (!b) {
      b = {
        minute,
        events: 0,
        purchases: 0,
        orders: new Set(),
        revenue: 0,
        served: {},
        impressions: {},
        clicks: {},
        attributedRevenue: 0,
        latencies: [],
        answers: 0,
        fallbacks: 0,
      };
      this.buckets.set(minute, b);
      this.prune(minute);
    }
    return b;
  }

  private prune(minute: number): void {
    for (const m of this.buckets.keys()) if (m <= minute - KPI_HORIZON_MINUTES) this.buckets.delete(m);
    const cutoff = (minute - KPI_HORIZON_MINUTES) * MINUTE;
    for (const [key, s] of this.shoppers) if (s.lastSeen < cutoff) this.shoppers.delete(key);
  }

  /** An answer of the recommendation API. */
  recordServed(placement: string, tookMs: number, fallback: boolean): void {
    const b = this.bucket(this.now());
    add(b.served, placement);
    if (fallback) b.fallbacks++;
    b.answers++;
    sampleLatency(b, tookMs);
  }

  /**
   * A serving replica's answers since its last report. Its latencies are a sample of them, each standing for
   * its share of the answers: the minute's sample takes it as that many answers of that latency, as if they
   * had been recorded one by one.
   */
  recordServedSummary(summary: ServedSummary): void {
    const b = this.bucket(this.now());
    let answers = 0;
    for (const [placement, n] of Object.entries(summary.served)) {
      add(b.served, placement, n);
      answers += n;
    }
    b.fallbacks += summary.fallbacks;
    const k = summary.latencies.length;
    if (k === 0) b.answers += answers;
    for (let i = 0; i < k; i++) {
      const share = Math.floor(((i + 1) * answers) / k) - Math.floor((i * answers) / k);
      for (let j = 0; j < share; j++) {
        b.answers++;
        sampleLatency(b, summary.latencies[i]);
      }
    }
  }

  /**
   * A processed event, counted at the time the server received it (clients' clocks drift); one received
   * before the last day is passed over (on start, the event store's 30 days are replayed through here).
   */
  recordEvent(e: ShopEvent): void {
    const minute = Math.floor(e.receivedAt / MINUTE);
    if (minute <= Math.floor(this.now() / MINUTE) - KPI_HORIZON_MINUTES) return;
    const b = this.bucket(e.receivedAt);
    b.events++;
    const placement = e.recommendationId
      ? (placementOfRecommendation(e.recommendationId) ?? 'unknown')
      : undefined;
    if (e.eventType === 'recommendation_impression' && placement) add(b.impressions, placement);
    if (e.eventType === 'recommendation_click' && placement) add(b.clicks, placement);
    if (e.eventType === 'purchase') {
      const value = (e.price ?? 0) * (e.quantity ?? 1);
      b.purchases++;
      b.revenue += value;
      b.orders.add(e.orderId ?? e.eventId);
      if (placement) b.attributedRevenue += value;
    }
    if (e.eventType === 'recommendation_impression') return; // seeing a list is not a visit
    const key = shopperKey(e);
    const s = this.shoppers.get(key) ?? {
      lastSeen: 0,
      events: 0,
      purchased: false,
    };
    s.lastSeen = Math.max(s.lastSeen, e.receivedAt);
    s.events++;
    s.purchased ||= e.eventType === 'purchase';
    this.shoppers.set(key, s);
  }

  /**
   * A session that signed in becomes its user when the stream processor files its events under the user
   * (StreamProcessor's onMerge): one shopper from then on, live as after a restart, which reads them so filed.
   */
  merge(from: string, to: string): void {
    const session = this.shoppers.get(from);
    if (!session) return;
    this.shoppers.delete(from);
    const user = this.shoppers.get(to);
    if (!user) return void this.shoppers.set(to, session);
    user.lastSeen = Math.max(user.lastSeen, session.lastSeen);
    user.events += session.events;
    user.purchased ||= session.purchased;
  }

  /**
   * Erasure: the shoppers leave the tracker's memory, and with it the shoppers counted; their events stay in
   * the minutes' counts, which hold no one's id, until a restart counts again without them.
   */
  erase(shoppers: readonly string[]): void {
    for (const key of shoppers) this.shoppers.delete(key);
  }

  report(windowMinutes = 60): KpiReport {
    const now = this.now();
    const last = Math.floor(now / MINUTE);
    const from = last - windowMinutes + 1;
    const buckets = Array.from({ length: windowMinutes }, (_, i) => this.buckets.get(from + i));
    const present = buckets.filter((b): b is Bucket => b !== undefined);
    const widgets: KpiReport['widgets'] = {};
    for (const b of present)
      for (const kind of ['served', 'impressions', 'clicks'] as const)
        for (const [placement, n] of Object.entries(b[kind])) {
          widgets[placement] ??= { served: 0, impressions: 0, clicks: 0, ctr: null };
          widgets[placement][kind] += n;
        }
    for (const w of Object.values(widgets)) w.ctr = w.impressions ? w.clicks / w.impressions : null;
    const active = [...this.shoppers.values()].filter((s) => s.lastSeen >= from * MINUTE);
    const orders = present.reduce((n, b) => n + b.orders.size, 0);
    const revenue = present.reduce((n, b) => n + b.revenue, 0);
    const latencies = present.flatMap((b) => b.latencies).sort((a, b) => a - b);
    const elapsed = Math.min(windowMinutes * 60, (now - from * MINUTE) / 1000);
    return {
      windowMinutes,
      eventsPerSecond: present.reduce((n, b) => n + b.events, 0) / Math.max(1, elapsed),
      widgets,
      shoppers: active.length,
      conversionRate: active.length ? active.filter((s) => s.purchased).length / active.length : null,
      bounceRate: active.length ? active.filter((s) => s.events === 1).length / active.length : null,
      orders,
      revenue,
      averageOrderValue: orders ? revenue / orders : null,
      attributedRevenue: present.reduce((n, b) => n + b.attributedRevenue, 0),
      recommendations: {
        answers: present.reduce((n, b) => n + b.answers, 0),
        fallbacks: present.reduce((n, b) => n + b.fallbacks, 0),
        latencyP50Ms: percentile(latencies, 0.5),
        latencyP99Ms: percentile(latencies, 0.99),
      },
      series: buckets.map((b, i) => {
        const sorted = [...(b?.latencies ?? [])].sort((x, y) => x - y);
        return {
          minute: new Date((from + i) * MINUTE).toISOString(),
          events: b?.events ?? 0,
          purchases: b?.purchases ?? 0,
          revenue: b?.revenue ?? 0,
          impressions: b ? sum(b.impressions) : 0,
          clicks: b ? sum(b.clicks) : 0,
          latencyP50Ms: percentile(sorted, 0.5),
          latencyP99Ms: percentile(sorted, 0.99),
        };
      }),
    };
  }
}
