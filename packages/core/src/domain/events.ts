/** Event types of the clickstream (PRODUCT.md §2). Their index is the compact code used in columnar data. */
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

/** Compact numeric code of an event type (its index in EVENT_TYPES). */
export const EventCode = Object.fromEntries(EVENT_TYPES.map((t, i) => [t, i])) as Record<EventType, number>;

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * How much an event says about what a shopper wants. A purchase says more than a view; removing an item
 * from the cart and merely seeing a recommendation say nothing positive.
 */
export const DEFAULT_EVENT_WEIGHTS: Readonly<Record<EventType, number>> = {
  view: 1,
  add_to_cart: 3,
  remove_from_cart: 0,
  purchase: 5,
  recommendation_impression: 0,
  recommendation_click: 1,
  search: 0,
};

/** Weights indexed by event code, for the hot loops. */
export function weightsByCode(
  weights: Readonly<Record<EventType, number>> = DEFAULT_EVENT_WEIGHTS,
): Float32Array {
  return Float32Array.from(EVENT_TYPES, (t) => weights[t]);
}

/** Where an event happened, as the tracker reports it. */
export interface EventContext {
  device?: string;
  page?: string;
  locale?: string;
}

/** A clickstream event as accepted by the API (PRODUCT.md §2), times in epoch milliseconds. */
export interface ShopEvent {
  /** Client-generated idempotency key. */
  eventId: string;
  eventType: EventType;
  userId?: string;
  sessionId?: string;
  itemId?: string;
  quantity?: number;
  price?: number;
  orderId?: string;
  recommendationId?: string;
  query?: string;
  /** When it happened, by the client's clock. */
  timestamp: number;
  /** When the server received it. */
  receivedAt: number;
  context?: EventContext;
}

/** Event types that are about one item and must name it. */
export const ITEM_EVENTS: ReadonlySet<EventType> = new Set([
  'view',
  'add_to_cart',
  'remove_from_cart',
  'purchase',
  'recommendation_click',
]);

/** The key of the shopper an event belongs to: the user when known, else the anonymous session. */
export const shopperKey = (e: { userId?: string; sessionId?: string }): string =>
  e.userId ? `u:${e.userId}` : `s:${e.sessionId}`;
