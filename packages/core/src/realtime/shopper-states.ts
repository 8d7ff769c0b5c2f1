import { EventCode, type ShopEvent } from '../domain/events.js';

/** How many of a shopper's latest item events the real-time state keeps. */
export const RECENT_CAPACITY = 30;
/** A gap this long starts a new session (the usual web-analytics convention). */
export const SESSION_GAP_MS = 30 * 60_000;

/**
 * A shopper's latest item events, oldest first, as three columns side by side: a million shoppers' histories
 * are then 3 arrays each (one of them pointers to shared item ids, two of plain numbers) rather than an object
 * per event, which the garbage collector would trace on every major collection and serving would chase one
 * cache miss at a time.
 */
export interface RecentEvents {
  readonly items: readonly string[];
  /** EventCode of each event. */
  readonly types: readonly number[];
  readonly times: readonly number[];
}

/** What Gu knows about a shopper right now: latest item events, cart and current session. */
export interface ShopperState {
  readonly recent: RecentEvents;
  /** Items in the cart with their quantities. */
  readonly cart: ReadonlyMap<string, number>;
  sessionStart: number;
  lastSeen: number;
  /** Bumped on every change, so cached answers for the shopper go stale at once. */
  version: number;
}

/** The cart of every shopper with none (most of them): one shared map, replaced on the first add. */
const NO_CART: ReadonlyMap<string, number> = new Map();
/**
 * Distinct item ids kept for sharing: an event parsed from the log brings its own copy of the id, and
 * a million shoppers' histories would hold ten million copies of a catalog's ids. Ids beyond the bound (a
 * stream of made-up ids) are kept as they come.
 */
const SHARED_IDS_MAX = 2_000_000;

interface Shopper extends ShopperState {
  recent: { items: string[]; types: number[]; times: number[] };
  cart: ReadonlyMap<string, number>;
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
  private states = new Map<string, Shopper>();
  private readonly ids = new Map<string, string>();

  /** onDrop hears of every shopper whose state is gone (erased, or merged into another at login). */
  constructor(private readonly onDrop?: (key: string) => void) {}

  get size(): number {
    return this.states.size;
  }

  /** Some shopper with history (for warming up the serving path), if any. */
  any(): string | undefined {
    for (const [key, state] of this.states) if (state.recent.items.length) return key;
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
        (s = {
          recent: { items: [], types: [], times: [] },
          cart: NO_CART,
          sessionStart: e.timestamp,
          lastSeen: 0,
          version: 0,
        }),
      );
    if (e.timestamp - s.lastSeen > SESSION_GAP_MS) s.sessionStart = e.timestamp;
    s.lastSeen = Math.max(s.lastSeen, e.timestamp);
    s.version++;
    const type = EventCode[e.eventType];
    if (e.itemId && ITEM_EVENT_CODES.has(type)) {
      const { items, types, times } = s.recent;
      items.push(this.shared(e.itemId));
      types.push(type);
      times.push(e.timestamp);
      if (items.length > RECENT_CAPACITY) {
        items.shift();
        types.shift();
        times.shift();
      }
    }
    if (e.itemId && e.eventType === 'add_to_cart')
      this.cartOf(s).set(this.shared(e.itemId), (s.cart.get(e.itemId) ?? 0) + (e.quantity ?? 1));
    if (e.itemId && e.eventType === 'remove_from_cart' && s.cart.has(e.itemId)) {
      const left = s.cart.get(e.itemId)! - (e.quantity ?? Infinity);
      if (left > 0) this.cartOf(s).set(e.itemId, left);
      else this.leaveCart(s, e.itemId);
    }
    // A purchase checks the cart out.
    if (e.eventType === 'purchase' && e.itemId) this.leaveCart(s, e.itemId);
    return s;
  }

  /** The shopper's own cart, made on the first add. */
  private cartOf(s: Shopper): Map<string, number> {
    if (s.cart === NO_CART) s.cart = new Map();
    return s.cart as Map<string, number>;
  }

  private leaveCart(s: Shopper, itemId: string): void {
    if (!s.cart.has(itemId)) return;
    const cart = this.cartOf(s);
    cart.delete(itemId);
    if (!cart.size) s.cart = NO_CART;
  }

  /** One copy of each item id, shared by every history that holds it. */
  private shared(id: string): string {
    const kept = this.ids.get(id);
    if (kept !== undefined) return kept;
    if (this.ids.size < SHARED_IDS_MAX) this.ids.set(id, id);
    return id;
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
    const events = (r: Shopper['recent']) => r.items.map((item, k) => ({ item, k, r }));
    const merged = [...events(to.recent), ...events(from.recent)]
      // Stable: at equal times the user's own events come first, as they were there first.
      .sort((a, b) => a.r.times[a.k] - b.r.times[b.k])
      .slice(-RECENT_CAPACITY);
    to.recent = {
      items: merged.map((e) => e.item),
      types: merged.map((e) => e.r.types[e.k]),
      times: merged.map((e) => e.r.times[e.k]),
    };
    for (const [item, q] of from.cart) this.cartOf(to).set(item, (to.cart.get(item) ?? 0) + q);
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
