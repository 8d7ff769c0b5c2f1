import { shopperKey, type ShopEvent } from '../domain/events.js';
import { MAX_CLOCK_SKEW_MS, MAX_PRICE } from '../domain/validation.js';
import { armOfRecommendation } from '../serving/placements.js';
import { DEFAULT_MINIMUM_LIFT, type Experiment, type Variant } from './experiment.js';
import { Exposures } from './exposures.js';
import {
  compareMeans,
  compareProportions,
  compareRatios,
  goodnessOfFit,
  ratioSampleSizePerArm,
  sampleSizePerArm,
  type Comparison,
  type Moments,
  type RatioMoments,
} from './statistics.js';

/** Below this p-value the split of shoppers between variants is not what the weights say (a broken test). */
export const SAMPLE_RATIO_ALPHA = 0.001;
/** The family-wise false-positive rate of each metric's comparisons with the control (Bonferroni). */
export const ALPHA = 0.05;
/** How surely the plan's test should see its minimum lift (its power). */
export const POWER = 0.8;

export interface Verdict extends Comparison {
  /** p below ALPHA divided by the number of treatments. */
  significant: boolean;
}

export interface VariantResult extends Variant {
  /** Shoppers who saw (or clicked) a list of this variant. */
  shoppers: number;
  impressions: number;
  clicks: number;
  ctr: number | null;
  /** Exposed shoppers who bought after their first exposure. */
  purchasers: number;
  conversionRate: number | null;
  orders: number;
  revenue: number;
  averageOrderValue: number | null;
  revenuePerShopper: number | null;
  /** The variant against the control (absent for the control itself); a metric is absent without data. */
  vsControl?: Partial<Record<'ctr' | 'conversionRate' | 'averageOrderValue' | 'revenuePerShopper', Verdict>>;
}

export interface ExperimentResults {
  /** Epoch ms the figures were taken. */
  at: number;
  /** The per-comparison significance level: ALPHA split over the treatments. */
  alpha: number;
  /** The level of the comparisons' intervals, 1 − alpha: an interval clear of 0 is a significant one. */
  confidence: number;
  /** Chi-square test of the shoppers' split against the weights. */
  sampleRatio: { pValue: number | null; mismatch: boolean };
  /**
   * How long to run: the shoppers each variant needs for a lift of minimumLift (the experiment's) over the
   * control's conversion or CTR to show with the given power at alpha; null while the control has no rate to
   * plan from. Judging before then (peeking) mostly finds noise.
   */
  plan: {
    minimumLift: number;
    power: number;
    shoppersPerVariant: { conversionRate: number | null; ctr: number | null };
  };
  variants: VariantResult[];
}

/**
 * A variant's running sums: its shoppers (n) with their clicks over impressions and their revenue, buyers,
 * and orders with their value.
 */
interface Sums {
  ctr: RatioMoments;
  purchasers: number;
  perShopper: Moments;
  perOrder: Moments;
}

const noSums = (): Sums => ({
  ctr: { n: 0, sumX: 0, sumY: 0, sumXX: 0, sumYY: 0, sumXY: 0 },
  purchasers: 0,
  perShopper: { n: 0, sum: 0, sumSquares: 0 },
  perOrder: { n: 0, sum: 0, sumSquares: 0 },
});

/** A value in a sample going from before to after (a shopper's revenue, an order's value as lines arrive). */
function move(m: Moments, before: number, after: number): void {
  m.sum += after - before;
  m.sumSquares += after * after - before * before;
}

/** An impression or click of a served list: what exposes a shopper to a variant and counts for its CTR. */
const listInteraction = (e: ShopEvent): e is ShopEvent & { recommendationId: string } =>
  (e.eventType === 'recommendation_impression' || e.eventType === 'recommendation_click') &&
  !!e.recommendationId;

/**
 * An experiment's figures, counted from the event stream. A shopper belongs to the variant of their first
 * impression or click (by event time, when a session exposed on one device signs in as a user exposed on
 * another); their impressions and clicks of that variant's lists count for its CTR (lists of another variant
 * count nowhere: served before their first exposure was processed, or on the device whose exposure lost), and
 * their purchases after it (by event time) count for that variant's conversion, order value and revenue,
 * whether or not the purchase came through a recommendation (the business outcome is the whole shop's, not
 * the widget's). Each variant keeps running sums, so that the figures cost the same to read at a hundred
 * shoppers as at a million.
 */
export class ExperimentTally {
  private readonly variantIndex: Map<string, number>;
  private readonly sums: Sums[];
  private readonly exposures = new Exposures();
  /** Order value by order id, with the variant of the shopper who placed it. */
  private readonly orders = new Map<string, { variant: number; value: number }>();

  constructor(readonly experiment: Experiment) {
    this.variantIndex = new Map(experiment.variants.map((v, i) => [v.name, i]));
    this.sums = experiment.variants.map(noSums);
  }

  /**
   * Whether recording the event could move any experiment's figures: an impression or click of a
   * recommendation, a purchase, or a sign-in (an event with both ids). A recount need keep no other.
   */
  static counts(e: ShopEvent): boolean {
    return listInteraction(e) || e.eventType === 'purchase' || !!(e.userId && e.sessionId);
  }

  record(e: ShopEvent): void {
    const { startedAt, stoppedAt } = this.experiment;
    if (e.receivedAt < startedAt || (stoppedAt !== undefined && e.receivedAt > stoppedAt)) return;
    // Stamped more than a clock's skew before the start: not the experiment's (a device clock days off, an
    // old event sent late). A restart's recount, which reads the lake by event time, could not find it.
    if (e.timestamp < startedAt - MAX_CLOCK_SKEW_MS) return;
    // A session that signs in is the user from now on, in whichever variant the session was.
    if (e.userId && e.sessionId) this.merge(`s:${e.sessionId}`, `u:${e.userId}`);
    const key = shopperKey(e);
    if (listInteraction(e)) {
      const arm = armOfRecommendation(e.recommendationId);
      const variant = arm?.experiment === this.experiment.id ? this.variantIndex.get(arm.variant) : undefined;
      if (variant === undefined) return;
      const ex = this.exposures;
      let slot = ex.slot(key);
      if (slot === undefined) {
        slot = ex.add(key, variant, e.timestamp);
        this.sums[variant].perShopper.n++;
        this.sums[variant].ctr.n++;
      }
      if (ex.variant[slot] !== variant) return;
      if (e.timestamp < ex.since[slot]) ex.since[slot] = e.timestamp;
      const ctr = this.sums[variant].ctr;
      if (e.eventType === 'recommendation_impression') {
        ctr.sumY++;
        ctr.sumYY += 2 * ex.impressions[slot] + 1;
        ctr.sumXY += ex.clicks[slot];
        ex.impressions[slot]++;
      } else {
        ctr.sumX++;
        ctr.sumXX += 2 * ex.clicks[slot] + 1;
        ctr.sumXY += ex.impressions[slot];
        ex.clicks[slot]++;
      }
      return;
    }
    if (e.eventType !== 'purchase') return;
    const ex = this.exposures;
    const slot = ex.slot(key);
    // Before the exposure by event time: the restart recount, which replays the event store in event time,
    // would not count it either, so the figures do not move with a restart.
    if (slot === undefined || e.timestamp < ex.since[slot]) return;
    // Accepted before prices had a bound (validation.ts), such a line would make the sums infinite.
    if (!((e.price ?? 0) <= MAX_PRICE)) return;
    const variant = ex.variant[slot];
    const sums = this.sums[variant];
    const value = (e.price ?? 0) * (e.quantity ?? 1);
    move(sums.perShopper, ex.revenue[slot], ex.revenue[slot] + value);
    ex.revenue[slot] += value;
    if (!ex.purchased[slot]) sums.purchasers++;
    ex.purchased[slot] = 1;
    const orderId = e.orderId ?? e.eventId;
    const order = this.orders.get(orderId);
    if (order) {
      move(this.sums[order.variant].perOrder, order.value, order.value + value);
      order.value += value;
    } else {
      this.orders.set(orderId, { variant, value });
      ex.addOrder(slot, orderId);
      sums.perOrder.n++;
      move(sums.perOrder, 0, value);
    }
  }

  /** The variant of the shopper's first exposure (by shopperKey); undefined when they have none. */
  variantOf(shopper: string): number | undefined {
    const slot = this.exposures.slot(shopper);
    return slot === undefined ? undefined : this.exposures.variant[slot];
  }

  /**
   * The session's exposure becomes the user's. When both were exposed (two devices), the shopper keeps the
   * earlier exposure by event time and the other leaves the figures: a recount from the event store, which
   * files the session's events under the user, finds the same, so a restart changes neither the figures nor
   * the variant the shopper is served.
   */
  private merge(from: string, to: string): void {
    const ex = this.exposures;
    const session = ex.slot(from);
    if (session === undefined) return;
    const user = ex.slot(to);
    if (user !== undefined && ex.since[user] <= ex.since[session]) return this.erase([from]);
    if (user !== undefined) this.erase([to]);
    ex.rename(from, to);
  }

  /** Erasure: the shoppers and their orders leave the figures, as they leave every other store. */
  erase(shoppers: readonly string[]): void {
    const ex = this.exposures;
    for (const key of shoppers) {
      const slot = ex.slot(key);
      if (slot === undefined) continue;
      const sums = this.sums[ex.variant[slot]];
      for (const orderId of ex.orders(slot)) {
        const order = this.orders.get(orderId)!;
        move(this.sums[order.variant].perOrder, order.value, 0);
        this.sums[order.variant].perOrder.n--;
        this.orders.delete(orderId);
      }
      move(sums.perShopper, ex.revenue[slot], 0);
      sums.perShopper.n--;
      const y = ex.impressions[slot];
      const x = ex.clicks[slot];
      Object.assign(sums.ctr, {
        n: sums.ctr.n - 1,
        sumX: sums.ctr.sumX - x,
        sumY: sums.ctr.sumY - y,
        sumXX: sums.ctr.sumXX - x * x,
        sumYY: sums.ctr.sumYY - y * y,
        sumXY: sums.ctr.sumXY - x * y,
      });
      if (ex.purchased[slot]) sums.purchasers--;
      ex.delete(key);
    }
  }

  results(now: number): ExperimentResults {
    const variants = this.experiment.variants;
    const alpha = ALPHA / Math.max(1, variants.length - 1);
    const confidence = 1 - alpha;
    const verdict = (c: Comparison | undefined): Verdict | undefined =>
      c && { ...c, significant: c.pValue < alpha };
    const control = this.sums[0];
    const lift = this.experiment.minimumLift ?? DEFAULT_MINIMUM_LIFT;
    const conversion = control.perShopper.n ? control.purchasers / control.perShopper.n : 0;
    const samplePValue = goodnessOfFit(
      this.sums.map((s) => s.perShopper.n),
      variants.map((v) => v.weight),
    );
    return {
      at: now,
      alpha,
      confidence,
      sampleRatio: {
        pValue: samplePValue ?? null,
        mismatch: samplePValue !== undefined && samplePValue < SAMPLE_RATIO_ALPHA,
      },
      plan: {
        minimumLift: lift,
        power: POWER,
        shoppersPerVariant: {
          // A rate the lift would take past 1 cannot be planned for.
          conversionRate:
            conversion > 0 && conversion * (1 + lift) < 1
              ? sampleSizePerArm(conversion, lift, alpha, POWER)
              : null,
          ctr: ratioSampleSizePerArm(control.ctr, lift, alpha, POWER) ?? null,
        },
      },
      variants: variants.map((variant, v): VariantResult => {
        const s = this.sums[v];
        const shoppers = s.perShopper.n;
        const orders = s.perOrder.n;
        const revenue = s.perOrder.sum;
        const result: VariantResult = {
          ...variant,
          shoppers,
          impressions: s.ctr.sumY,
          clicks: s.ctr.sumX,
          ctr: s.ctr.sumY ? s.ctr.sumX / s.ctr.sumY : null,
          purchasers: s.purchasers,
          conversionRate: shoppers ? s.purchasers / shoppers : null,
          orders,
          revenue,
          averageOrderValue: orders ? revenue / orders : null,
          revenuePerShopper: shoppers ? s.perShopper.sum / shoppers : null,
        };
        if (v === 0) return result;
        const tests = {
          ctr: verdict(compareRatios(control.ctr, s.ctr, confidence)),
          conversionRate: verdict(
            compareProportions(control.purchasers, control.perShopper.n, s.purchasers, shoppers, confidence),
          ),
          averageOrderValue: verdict(compareMeans(control.perOrder, s.perOrder, confidence)),
          revenuePerShopper: verdict(compareMeans(control.perShopper, s.perShopper, confidence)),
        };
        const vsControl = Object.fromEntries(Object.entries(tests).filter(([, t]) => t !== undefined));
        return { ...result, vsControl };
      }),
    };
  }
}
