import { shopperKey, type ShopEvent } from '../domain/events.js';
import { armOfRecommendation } from '../serving/placements.js';
import type { Experiment, Variant } from './experiment.js';
import { compareMeans, compareProportions, goodnessOfFit, momentsOf, type Comparison } from './statistics.js';

/** Below this p-value the split of shoppers between variants is not what the weights say (a broken test). */
export const SAMPLE_RATIO_ALPHA = 0.001;
/** The family-wise false-positive rate of each metric's comparisons with the control (Bonferroni). */
export const ALPHA = 0.05;

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
  variants: VariantResult[];
}

interface Exposure {
  variant: number;
  revenue: number;
  purchased: boolean;
  orders: string[];
}

/**
 * An experiment's figures, counted from the event stream: impressions and clicks by the variant their list
 * was served in; a shopper belongs to the variant of their first impression or click, and their purchases
 * after it count for that variant's conversion, order value and revenue, whether or not the purchase came
 * through a recommendation (the business outcome is the whole shop's, not the widget's).
 */
export class ExperimentTally {
  private readonly variantIndex: Map<string, number>;
  private readonly impressions: number[];
  private readonly clicks: number[];
  private readonly exposures = new Map<string, Exposure>();
  /** Order value by order id, with the variant of the shopper who placed it. */
  private readonly orders = new Map<string, { variant: number; value: number }>();

  constructor(readonly experiment: Experiment) {
    this.variantIndex = new Map(experiment.variants.map((v, i) => [v.name, i]));
    this.impressions = experiment.variants.map(() => 0);
    this.clicks = experiment.variants.map(() => 0);
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
      if (e.eventType === 'recommendation_impression') this.impressions[variant]++;
      else this.clicks[variant]++;
      if (!this.exposures.has(key))
        this.exposures.set(key, { variant, revenue: 0, purchased: false, orders: [] });
      return;
    }
    if (e.eventType !== 'purchase') return;
    const exposure = this.exposures.get(key);
    if (!exposure) return;
    const value = (e.price ?? 0) * (e.quantity ?? 1);
    const orderId = e.orderId ?? e.eventId;
    exposure.revenue += value;
    exposure.purchased = true;
    const order = this.orders.get(orderId);
    if (order) order.value += value;
    else {
      this.orders.set(orderId, { variant: exposure.variant, value });
      exposure.orders.push(orderId);
    }
  }

  private merge(from: string, to: string): void {
    const session = this.exposures.get(from);
    if (!session) return;
    this.exposures.delete(from);
    if (!this.exposures.has(to)) this.exposures.set(to, session);
  }

  /** Erasure: the shoppers and their orders leave the figures, as they leave every other store. */
  erase(shoppers: readonly string[]): void {
    for (const key of shoppers) {
      for (const orderId of this.exposures.get(key)?.orders ?? []) this.orders.delete(orderId);
      this.exposures.delete(key);
    }
  }

  results(now: number): ExperimentResults {
    const variants = this.experiment.variants;
    const exposures = [...this.exposures.values()];
    const orders = [...this.orders.values()];
    const byVariant = variants.map((_, v) => ({
      shoppers: exposures.filter((s) => s.variant === v),
      orders: orders.filter((o) => o.variant === v).map((o) => o.value),
    }));
    const alpha = ALPHA / Math.max(1, variants.length - 1);
    const verdict = (c: Comparison | undefined): Verdict | undefined =>
      c && { ...c, significant: c.pValue < alpha };
    const control = byVariant[0];
    const samplePValue = goodnessOfFit(
      byVariant.map((b) => b.shoppers.length),
      variants.map((v) => v.weight),
    );
    return {
      at: now,
      alpha,
      sampleRatio: {
        pValue: samplePValue ?? null,
        mismatch: samplePValue !== undefined && samplePValue < SAMPLE_RATIO_ALPHA,
      },
      variants: variants.map((variant, v): VariantResult => {
        const { shoppers, orders: values } = byVariant[v];
        const purchasers = shoppers.filter((s) => s.purchased).length;
        const revenue = values.reduce((a, b) => a + b, 0);
        // A click without its impression (a lost beacon) must not make a rate above 1.
        const clicks = Math.min(this.clicks[v], this.impressions[v]);
        const result: VariantResult = {
          ...variant,
          shoppers: shoppers.length,
          impressions: this.impressions[v],
          clicks: this.clicks[v],
          ctr: this.impressions[v] ? clicks / this.impressions[v] : null,
          purchasers,
          conversionRate: shoppers.length ? purchasers / shoppers.length : null,
          orders: values.length,
          revenue,
          averageOrderValue: values.length ? revenue / values.length : null,
          revenuePerShopper: shoppers.length ? revenue / shoppers.length : null,
        };
        if (v === 0) return result;
        const c = control.shoppers;
        const controlClicks = Math.min(this.clicks[0], this.impressions[0]);
        const tests = {
          ctr: verdict(compareProportions(controlClicks, this.impressions[0], clicks, this.impressions[v])),
          conversionRate: verdict(
            compareProportions(c.filter((s) => s.purchased).length, c.length, purchasers, shoppers.length),
          ),
          averageOrderValue: verdict(compareMeans(momentsOf(control.orders), momentsOf(values))),
          revenuePerShopper: verdict(
            compareMeans(momentsOf(c.map((s) => s.revenue)), momentsOf(shoppers.map((s) => s.revenue))),
          ),
        };
        const vsControl = Object.fromEntries(Object.entries(tests).filter(([, t]) => t !== undefined));
        return { ...result, vsControl };
      }),
    };
  }
}
