/**
 * The wire contract of Gu's HTTP API (PRODUCT.md §2, §6), declared here because the SDK ships to browsers
 * and imports no workspace package. packages/cli/src/wire-contract.test.ts holds it to the server's types: the
 * build fails where they part.
 */

export const PLACEMENTS = ['home', 'pdp', 'cart'] as const;
export type Placement = (typeof PLACEMENTS)[number];

export const EVENT_TYPES = [
  'view',
  'add_to_cart',
  'remove_from_cart',
  'purchase',
  'recommendation_impression',
  'recommendation_click',
  'search',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type RecipeName =
  | 'popular'
  | 'trending'
  | 'similar-items'
  | 'bought-together'
  | 'user-personalization'
  | 'personalized-ranking'
  | 'random';

/** Where an event happened. The server accepts these three fields and no others. */
export interface EventContext {
  /** 'mobile' or 'desktop' from the tracker; at most 64 characters. */
  device?: string;
  /** location.pathname; at most 2048 characters. */
  page?: string;
  /** BCP 47, e.g. 'vi-VN'; at most 35 characters. */
  locale?: string;
}

/** An event as sent to `POST /v1/events` or the stream. The server rejects unknown fields. */
export interface EventInput {
  /** Client-generated idempotency key (time-ordered: see ids.ts). */
  eventId: string;
  eventType: EventType;
  /** At least one of userId and sessionId. */
  userId?: string;
  sessionId?: string;
  /** Required for view, add_to_cart, remove_from_cart, purchase and recommendation_click. */
  itemId?: string;
  /** A positive integer. */
  quantity?: number;
  /** Unit price, ≥ 0. */
  price?: number;
  orderId?: string;
  /** The served list an impression, click or purchase belongs to. */
  recommendationId?: string;
  /** Required for search events; at most 1000 characters. */
  query?: string;
  /** Epoch milliseconds (or ISO-8601). */
  timestamp: number | string;
  context?: EventContext;
}

export interface FieldError {
  path: string;
  message: string;
}

/** One invalid event of a batch: its index in the batch, its eventId when it had one, and why. */
export interface RejectedEvent {
  index: number;
  id?: string;
  errors: FieldError[];
}

/** The answer to a batch of events. `accepted` counts duplicates too (they were accepted before). */
export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: RejectedEvent[];
}

export type ReasonType = 'viewed' | 'bought-together' | 'popular' | 'trending' | 'similar-users';

/** Why an item was recommended, with the shopper's item that led to it where there is one. */
export interface Reason {
  type: ReasonType;
  itemId?: string;
}

export interface ScoredItem {
  itemId: string;
  score: number;
  /** Present when the request asked for `explain`. */
  reason?: Reason;
}

export interface Recommendations {
  /** Attribute impressions, clicks and purchases to this list. */
  recommendationId: string;
  placement: Placement;
  recipe: RecipeName;
  modelVersion: string | null;
  variant: string;
  /** True when the model path failed or was slow and popular + related items were served instead. */
  fallback: boolean;
  tookMs: number;
  items: ScoredItem[];
}

export type AttributeValue = string | number | boolean | string[];

export interface Item {
  itemId: string;
  title: string;
  /** Root first. */
  categories: string[];
  price: number;
  /** ISO 4217, VND by default. */
  currency: string;
  brand?: string;
  imageUrl?: string;
  /** Epoch milliseconds. */
  createdAt: number;
  available: boolean;
  attributes: Record<string, AttributeValue>;
}

/** A node of `GET /v1/categories`: available items under it, largest children first. */
export interface CategoryNode {
  name: string;
  count: number;
  children: CategoryNode[];
}

export interface KpiSeriesPoint {
  /** ISO-8601 start of the minute. */
  minute: string;
  events: number;
  purchases: number;
  revenue: number;
  impressions: number;
  clicks: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
}

/** `GET /v1/admin/kpis`: live figures over the last `windowMinutes`. */
export interface KpiReport {
  windowMinutes: number;
  eventsPerSecond: number;
  /** Per placement: lists served, impressions, clicks and click-through rate. */
  widgets: Record<string, { served: number; impressions: number; clicks: number; ctr: number | null }>;
  shoppers: number;
  conversionRate: number | null;
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
  /** One point per minute of the window, oldest first. */
  series: KpiSeriesPoint[];
}

/** An immutable trained model with its offline metrics. */
export interface ModelVersion {
  id: string;
  recipe: RecipeName;
  /** Epoch milliseconds. */
  createdAt: number;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  data: { users: number; items: number; interactions: number };
  watermark: number;
  trainSeconds: number;
  sizeBytes: number;
  /** Set by `GET /v1/admin/models`: whether this version serves its recipe. */
  serving?: boolean;
}

/** How clean the data of a training was, and whether it passed the 95% gate. */
export interface DataQuality {
  rows: number;
  valid: number;
  invalid: number;
  validShare: number;
  passes: boolean;
  errors: { reason: string; count: number; firstLine: number }[];
}

/** The error body of every non-2xx answer. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export interface TrainingReport {
  versions: ModelVersion[];
  promoted: string[];
  held: { id: string; reasons: string[] }[];
  quality: DataQuality;
}

export interface TrainingJob {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt?: string;
  report?: TrainingReport;
  error?: ApiErrorBody['error'];
}

export interface FilterRule {
  field: string;
  op: 'in' | 'not_in' | 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte';
  /** A string starting with `$` is a parameter given per request in filterValues. */
  value: unknown;
}

/** A named business rule: an item passes when it matches every include rule and no exclude rule. */
export interface FilterDefinition {
  name: string;
  description?: string;
  include: FilterRule[];
  exclude: FilterRule[];
}

/** Recipes a variant of an experiment can lead its placement with. */
export type VariantRecipe =
  'user-personalization' | 'similar-items' | 'bought-together' | 'popular' | 'trending';

export interface ExperimentVariant {
  /** 1–32 letters, digits, - or _. */
  name: string;
  recipe: VariantRecipe;
  /** A version of the recipe to try before promoting it; the serving one when absent. */
  modelVersion?: string;
  /** Share of shoppers, relative to the other variants' (default 1). */
  weight?: number;
}

export interface ServedVariant extends ExperimentVariant {
  weight: number;
}

/** A new A/B test: the first variant is the control. */
export interface ExperimentDraft {
  name: string;
  description?: string;
  placement: Placement;
  variants: ExperimentVariant[];
  /** The smallest relative lift over the control worth finding, 0.01–1 (default 0.1): what the plan sizes for. */
  minimumLift?: number;
}

/** A treatment against the control: its value, the difference, relative lift, interval, p-value. */
export interface ExperimentComparison {
  control: number;
  difference: number;
  relativeLift: number | null;
  /** The difference's interval at the results' confidence (1 − alpha). */
  interval: [number, number];
  pValue: number;
  significant: boolean;
}

export type ExperimentMetric = 'ctr' | 'conversionRate' | 'averageOrderValue' | 'revenuePerShopper';

export interface VariantResult extends ServedVariant {
  shoppers: number;
  impressions: number;
  clicks: number;
  ctr: number | null;
  purchasers: number;
  conversionRate: number | null;
  orders: number;
  revenue: number;
  averageOrderValue: number | null;
  revenuePerShopper: number | null;
  vsControl?: Partial<Record<ExperimentMetric, ExperimentComparison>>;
}

export interface Experiment extends ExperimentDraft {
  id: string;
  status: 'running' | 'stopped';
  startedAt: string;
  stoppedAt: string | null;
  variants: ServedVariant[];
  results: {
    at: string;
    alpha: number;
    confidence: number;
    sampleRatio: { pValue: number | null; mismatch: boolean };
    /**
     * What each variant needs for a lift of minimumLift to show with the given power (null: no rate yet);
     * absent from the figures of tests stopped before Gu planned them.
     */
    plan?: {
      minimumLift: number;
      power: number;
      shoppersPerVariant: { conversionRate: number | null; ctr: number | null };
    };
    variants: VariantResult[];
  };
}
