import { EventCode, type ShopEvent } from '../domain/events.js';

/** How many of a shopper's latest item events the real-time state keeps. */
export const RECENT_CAPACITY = 30;
/** A gap this long starts a new session (the usual web-analytics convention). */
export const SESSION_GAP_MS = 30 * 60_000;

export interface RecentEvent {
  itemId: string;
  type: number;
  time: number;
}

/** What Gu knows about a shopper right now: latest item events, cart and current session. */
export interface ShopperState {
  recent: RecentEvent[];
  /** Items in the cart with their quantities. */
  cart: Map<string, number>;
  sessionStart: number;
  lastSeen: number;
  /** Bumped on every change, so cached answers for the shopper go stale at once. */
  version: number;
}

const ITEM_EVENT_CODES = new Set<number>([
  EventCode.view,
  EventCode.add_to_cart,
  EventCode.purchase,
  EventCode.recommendation_click,
]);

/**
 * Real-time state of every shopper, keyed by shopperKey. Applying an event is O(1); state lives in memory
 * and is rebuilt from the event store (the last 30 days) when the process starts.
 */
export class ShopperStates {
  private states = new Map<string, ShopperState>();

  /** onDrop hears of every shopper whose state is gone (erased, or merged into another at login). */
  constructor(private readonly onDrop?: (key: string) => void) {}

  get size(): number {
    return this.states.size;
  }

  /** Some shopper with history (for warming up the serving path), if any. */
  any(): string | undefined {
    for (const [key, state] of this.states) if (state.recent.length) return key;
    return undefined;
  }

  keys(): IterableIterator<string> {
    return this.states.keys();
  }

  get(key: string): ShopperState | undefined {
    return this.states.get(key);
  }

  apply(key: string, e: ShopEvent): ShopperState {
    let s = this.states.get(key);
    if (!s)
      this.states.set(
        key,
        (s = { recent: [], cart: new Map(), sessionStart: e.timestamp, lastSeen: 0, version: 0 }),
      );
    if (e.timestamp - s.lastSeen > SESSION_GAP_MS) s.sessionStart = e.timestamp;
    s.lastSeen = Math.max(s.lastSeen, e.timestamp);
    s.version++;
    const type = EventCode[e.eventType];
    if (e.itemId && ITEM_EVENT_CODES.has(type)) {
      s.recent.push({ itemId: e.itemId, type, time: e.timestamp });
      if (s.recent.length > RECENT_CAPACITY) s.recent.shift();
    }
    if (e.itemId && e.eventType === 'add_to_cart')
      s.cart.set(e.itemId, (s.cart.get(e.itemId) ?? 0) + (e.quantity ?? 1));
    if (e.itemId && e.eventType === 'remove_from_cart') {
      const left = (s.cart.get(e.itemId) ?? 0) - (e.quantity ?? Infinity);
      if (left > 0) s.cart.set(e.itemId, left);
      else s.cart.delete(e.itemId);
    }
    // A purchase checks the cart out.
    if (e.eventType === 'purchase' && e.itemId) s.cart.delete(e.itemId);
    return s;
  }

  /** Login: the anonymous session's history becomes the user's, in time order. */
  merge(fromKey: string, toKey: string): void {
    const from = this.states.get(fromKey);
    if (!from) return;
    this.states.delete(fromKey);
    this.onDrop?.(fromKey);
    const to = this.states.get(toKey);
    if (!to) {
      this.states.set(toKey, from);
      return;
    }
    to.recent = [...to.recent, ...from.recent].sort((a, b) => a.time - b.time).slice(-RECENT_CAPACITY);
    for (const [item, q] of from.cart) to.cart.set(item, (to.cart.get(item) ?? 0) + q);
    // The current session is the one seen last; it reaches back over the other only when they touch.
    const [older, newer] = to.lastSeen <= from.lastSeen ? [to, from] : [from, to];
    to.sessionStart =
      newer.sessionStart - older.lastSeen <= SESSION_GAP_MS
        ? Math.min(to.sessionStart, from.sessionStart)
        : newer.sessionStart;
    to.lastSeen = Math.max(to.lastSeen, from.lastSeen);
    to.version += from.version + 1;
  }

  erase(key: string): void {
    this.states.delete(key);
    this.onDrop?.(key);
  }
}
