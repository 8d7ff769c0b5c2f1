import { shopperKey, type ShopEvent } from '../domain/events.js';
import { armOfRecommendation } from '../serving/placements.js';
import type { Experiment, Variant } from './experiment.js';
import {
  compareMeans,
  compareProportions,
  goodnessOfFit,
  sampleSizePerArm,
  type Comparison,
  type Moments,
} from './statistics.js';

/** Below this p-value the split of shoppers between variants is not what the weights say (a broken test). */
export const SAMPLE_RATIO_ALPHA = 0.001;
/** The family-wise false-positive rate of each metric's comparisons with the control (Bonferroni). */
export const ALPHA = 0.05;
/** The plan: the relative lift a test should be able to see, and how surely (its power). */
export const MINIMUM_LIFT = 0.1;
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
  /** Chi-square test of the shoppers' split against the weights. */
  sampleRatio: { pValue: number | null; mismatch: boolean };
  /**
   * How long to run: the shoppers (conversion) and impressions (CTR) each variant needs for a lift of
   * minimumLift over the control's rate to show with the given power at alpha; null while the control has
   * no rate to plan from. Judging before then (peeking) mostly finds noise.
   */
  plan: {
    minimumLift: number;
    power: number;
    shoppersPerVariant: number | null;
    impressionsPerVariant: number | null;
  };
  variants: VariantResult[];
}

interface Exposure {
  variant: number;
  revenue: number;
  purchased: boolean;
  orders: string[];
}

/** A variant's running sums: shoppers (n) with their revenue, buyers, and orders with their value. */
interface Sums {
  impressions: number;
  clicks: number;
  purchasers: number;
  perShopper: Moments;
  perOrder: Moments;
}

const noSums = (): Sums => ({
  impressions: 0,
  clicks: 0,
  purchasers: 0,
  perShopper: { n: 0, sum: 0, sumSquares: 0 },
  perOrder: { n: 0, sum: 0, sumSquares: 0 },
});

/** A value in a sample going from before to after (a shopper's revenue, an order's value as lines arrive). */
function move(m: Moments, before: number, after: number): void {
  m.sum += after - before;
  m.sumSquares += after * after - before * before;
}

/**
 * An experiment's figures, counted from the event stream: impressions and clicks by the variant their list
 * was served in; a shopper belongs to the variant of their first impression or click, and their purchases
 * after it count for that variant's conversion, order value and revenue, whether or not the purchase came
 * through a recommendation (the business outcome is the whole shop's, not the widget's). Each variant keeps
 * running sums, so that the figures cost the same to read at a hundred shoppers as at a million.
 */
export class ExperimentTally {
  private readonly variantIndex: Map<string, number>;
  private readonly sums: Sums[];
  private readonly exposures = new Map<string, Exposure>();
  /** Order value by order id, with the variant of the shopper who placed it. */
  private readonly orders = new Map<string, { variant: number; value: number }>();

  constructor(readonly experiment: Experiment) {
    this.variantIndex = new Map(experiment.variants.map((v, i) => [v.name, i]));
    this.sums = experiment.variants.map(noSums);
  }

  record(e: ShopEvent): void {
    const { startedAt, stoppedAt } = this.experiment;
    if (e.receivedAt < startedAt || (stoppedAt !== undefined && e.receivedAt > stoppedAt)) return;
    // A session that signs in is the user from now on, in whichever variant the session was.
    if (e.userId && e.sessionId) this.merge(`s:${e.sessionId}`, `u:${e.userId}`);
    const key = shopperKey(e);
    const interaction = e.eventType === 'recommendation_impression' || e.eventType === 'recommendation_click';
    if (interaction && e.recommendationId) {
      const arm = armOfRecommendation(e.recommendationId);
      const variant = arm?.experiment === this.experiment.id ? this.variantIndex.get(arm.variant) : undefined;
      if (variant === undefined) return;
      const sums = this.sums[variant];
      if (e.eventType === 'recommendation_impression') sums.impressions++;
      else sums.clicks++;
      if (!this.exposures.has(key)) {
        this.exposures.set(key, { variant, revenue: 0, purchased: false, orders: [] });
        sums.perShopper.n++;
      }
      return;
    }
    if (e.eventType !== 'purchase') return;
    const exposure = this.exposures.get(key);
    if (!exposure) return;
    const sums = this.sums[exposure.variant];
    const value = (e.price ?? 0) * (e.quantity ?? 1);
    move(sums.perShopper, exposure.revenue, exposure.revenue + value);
    exposure.revenue += value;
    if (!exposure.purchased) sums.purchasers++;
    exposure.purchased = true;
    const orderId = e.orderId ?? e.eventId;
    const order = this.orders.get(orderId);
    if (order) {
      move(this.sums[order.variant].perOrder, order.value, order.value + value);
      order.value += value;
    } else {
      this.orders.set(orderId, { variant: exposure.variant, value });
      exposure.orders.push(orderId);
      sums.perOrder.n++;
      move(sums.perOrder, 0, value);
    }
  }

  /** The session's exposure becomes the user's; a user already exposed keeps theirs, and is one shopper. */
  private merge(from: string, to: string): void {
    const session = this.exposures.get(from);
    if (!session) return;
    if (this.exposures.has(to)) this.erase([from]);
    else {
      this.exposures.delete(from);
      this.exposures.set(to, session);
    }
  }

  /** Erasure: the shoppers and their orders leave the figures, as they leave every other store. */
  erase(shoppers: readonly string[]): void {
    for (const key of shoppers) {
      const exposure = this.exposures.get(key);
      if (!exposure) continue;
      const sums = this.sums[exposure.variant];
      for (const orderId of exposure.orders) {
        const order = this.orders.get(orderId)!;
        move(this.sums[order.variant].perOrder, order.value, 0);
        this.sums[order.variant].perOrder.n--;
        this.orders.delete(orderId);
      }
      move(sums.perShopper, exposure.revenue, 0);
      sums.perShopper.n--;
      if (exposure.purchased) sums.purchasers--;
      this.exposures.delete(key);
    }
  }

  results(now: number): ExperimentResults {
    const variants = this.experiment.variants;
    const alpha = ALPHA / Math.max(1, variants.length - 1);
    const verdict = (c: Comparison | undefined): Verdict | undefined =>
      c && { ...c, significant: c.pValue < alpha };
    // A click without its impression (a lost beacon) must not make a rate above 1.
    const clicked = (s: Sums) => Math.min(s.clicks, s.impressions);
    const control = this.sums[0];
    const needed = (hits: number, trials: number) =>
      hits > 0 && hits < trials ? sampleSizePerArm(hits / trials, MINIMUM_LIFT, alpha, POWER) : null;
    const samplePValue = goodnessOfFit(
      this.sums.map((s) => s.perShopper.n),
      variants.map((v) => v.weight),
    );
    return {
      at: now,
      alpha,
      sampleRatio: {
        pValue: samplePValue ?? null,
        mismatch: samplePValue !== undefined && samplePValue < SAMPLE_RATIO_ALPHA,
      },
      plan: {
        minimumLift: MINIMUM_LIFT,
        power: POWER,
        shoppersPerVariant: needed(control.purchasers, control.perShopper.n),
        impressionsPerVariant: needed(clicked(control), control.impressions),
      },
      variants: variants.map((variant, v): VariantResult => {
        const s = this.sums[v];
        const shoppers = s.perShopper.n;
        const orders = s.perOrder.n;
        const revenue = s.perOrder.sum;
        const result: VariantResult = {
          ...variant,
          shoppers,
          impressions: s.impressions,
          clicks: s.clicks,
          ctr: s.impressions ? clicked(s) / s.impressions : null,
          purchasers: s.purchasers,
          conversionRate: shoppers ? s.purchasers / shoppers : null,
          orders,
          revenue,
          averageOrderValue: orders ? revenue / orders : null,
          revenuePerShopper: shoppers ? s.perShopper.sum / shoppers : null,
        };
        if (v === 0) return result;
        const tests = {
          ctr: verdict(compareProportions(clicked(control), control.impressions, clicked(s), s.impressions)),
          conversionRate: verdict(
            compareProportions(control.purchasers, control.perShopper.n, s.purchasers, shoppers),
          ),
          averageOrderValue: verdict(compareMeans(control.perOrder, s.perOrder)),
          revenuePerShopper: verdict(compareMeans(control.perShopper, s.perShopper)),
        };
        const vsControl = Object.fromEntries(Object.entries(tests).filter(([, t]) => t !== undefined));
        return { ...result, vsControl };
      }),
    };
  }
}
