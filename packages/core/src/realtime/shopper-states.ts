import { KeyTable } from '../data/key-table.js';
import { EventCode, type ShopEvent } from '../domain/events.js';
import { CartLists, NO_NODE } from './cart-lists.js';
import { InternedIds } from './interned-ids.js';
import { ItemIndices, type ItemIndexer } from './item-indices.js';

/** How many of a shopper's latest item events the real-time state keeps. */
export const RECENT_CAPACITY = 30;
/** A gap this long starts a new session (the usual web-analytics convention). */
export const SESSION_GAP_MS = 30 * 60_000;

/** A shopper's latest item events, oldest first, as three columns side by side. */
export interface RecentEvents {
  readonly items: readonly string[];
  /** EventCode of each event. */
  readonly types: readonly number[];
  readonly times: readonly number[];
}

/** What Gu knows about a shopper right now (a copy, taken when asked): latest item events, cart, session. */
export interface ShopperState {
  readonly recent: RecentEvents;
  /** Items in the cart with their quantities. */
  readonly cart: ReadonlyMap<string, number>;
  readonly sessionStart: number;
  readonly lastSeen: number;
  /**
   * Changes with every event the shopper makes, and is never the same for two states (all shoppers draw it
   * from one counter): cached answers go stale at once, also for a shopper erased and seen again.
   */
  readonly version: number;
}

/** A shopper's latest events and cart in an indexer's numbers (-1 for items it does not know). */
export interface IndexedState {
  /** The latest item events, oldest first, and their EventCodes. */
  readonly items: Int32Array;
  readonly types: Uint8Array;
  /** The cart's items, in the order they were first added. */
  readonly cart: Int32Array;
  readonly version: number;
}

/** Shoppers per block of columns: blocks are added as shoppers come, never copied to grow. */
const BLOCK_BITS = 12;
const BLOCK = 1 << BLOCK_BITS;

/** One block's shoppers, column by column; a shopper's latest events are a ring of RECENT_CAPACITY places. */
class Block {
  readonly item = new Int32Array(BLOCK * RECENT_CAPACITY);
  readonly type = new Uint8Array(BLOCK * RECENT_CAPACITY);
  readonly time = new Float64Array(BLOCK * RECENT_CAPACITY);
  /** Place of the oldest event in the ring, and how many it holds. */
  readonly first = new Uint8Array(BLOCK);
  readonly count = new Uint8Array(BLOCK);
  readonly cart = new Int32Array(BLOCK).fill(NO_NODE);
  readonly sessionStart = new Float64Array(BLOCK);
  readonly lastSeen = new Float64Array(BLOCK);
  readonly version = new Float64Array(BLOCK);
}

const EMPTY_CART: ReadonlyMap<string, number> = new Map();
const NO_ITEMS = new Int32Array(0);

const ITEM_EVENT_CODES = new Set<number>([
  EventCode.view,
  EventCode.add_to_cart,
  EventCode.purchase,
  EventCode.recommendation_click,
]);

/**
 * Real-time state of every shopper, keyed by shopperKey. Applying an event is O(1); state lives in memory
 * and is rebuilt from the event store (the last 30 days) when the process starts.
 *
 * Shoppers are numbered slots in typed-array columns, with item ids numbered by InternedIds and the keys in a
 * KeyTable: a million shoppers are a few hundred buffers, not the ~9M objects (870 MB of small ones) that an
 * object per shopper made. Every scavenge of the young generation walks each page of the old one, about
 * 1.6 µs a page here, so those objects alone made each scavenge ~6 ms longer; and every full collection marks
 * each object, which a million keys in a Map alone made ~50 ms longer (BENCHMARKS.md).
 */
export class ShopperStates {
  private readonly slots = new KeyTable();
  private readonly blocks: Block[] = [];
  private readonly freed: number[] = [];
  private readonly ids = new InternedIds();
  private readonly carts = new CartLists();
  private readonly indices = new WeakMap<ItemIndexer, ItemIndices>();
  private clock = 0;

  /** onDrop hears of every shopper whose state is gone (erased, or merged into another at login). */
  constructor(private readonly onDrop?: (key: string) => void) {}

  get size(): number {
    return this.slots.size;
  }

  /** Distinct item ids the states hold. */
  get distinctItems(): number {
    return this.ids.size;
  }

  /** Some shopper with history (for warming up the serving path), if any. */
  any(): string | undefined {
    for (const [key, slot] of this.slots) if (this.block(slot).count[slot & (BLOCK - 1)]) return key;
    return undefined;
  }

  keys(): IterableIterator<string> {
    return this.slots.keys();
  }

  /** The shopper's state as it is now: later events do not change it. */
  get(key: string): ShopperState | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    const b = this.block(slot);
    const s = slot & (BLOCK - 1);
    // One pass over the ring for all three columns: this runs on every ranked request.
    const items: string[] = [];
    const types: number[] = [];
    const times: number[] = [];
    for (let k = 0, n = b.count[s]; k < n; k++) {
      const at = place(s, b.first[s] + k);
      items.push(this.ids.id(b.item[at]));
      types.push(b.type[at]);
      times.push(b.time[at]);
    }
    let cart = EMPTY_CART;
    if (b.cart[s] !== NO_NODE) {
      const own = new Map<string, number>();
      this.carts.forEach(b.cart[s], (item, quantity) => own.set(this.ids.id(item), quantity));
      cart = own;
    }
    return {
      recent: { items, types, times },
      cart,
      sessionStart: b.sessionStart[s],
      lastSeen: b.lastSeen[s],
      version: b.version[s],
    };
  }

  /**
   * The shopper's state as the serving path ranks with it, in a model's indices: no id strings are made, and
   * each item's index is looked up in the model once (ItemIndices).
   */
  inModel(key: string, model: ItemIndexer): IndexedState | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    const b = this.block(slot);
    const s = slot & (BLOCK - 1);
    let indices = this.indices.get(model);
    if (!indices) this.indices.set(model, (indices = new ItemIndices(this.ids, model)));
    const n = b.count[s];
    const items = new Int32Array(n);
    const types = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const at = place(s, b.first[s] + k);
      items[k] = indices.of(b.item[at]);
      types[k] = b.type[at];
    }
    // Most shoppers have nothing in the cart: no list, closure or array is made for them.
    let cart = NO_ITEMS;
    if (b.cart[s] !== NO_NODE) {
      const own: number[] = [];
      this.carts.forEach(b.cart[s], (item) => own.push(indices.of(item)));
      cart = Int32Array.from(own);
    }
    return { items, types, cart, version: b.version[s] };
  }

  /** The items of the shopper's latest events (ShopperState.recent.items) without the rest of their state. */
  recentItems(key: string): string[] {
    const slot = this.slots.get(key);
    if (slot === undefined) return [];
    const b = this.block(slot);
    return this.ring(b, slot & (BLOCK - 1), (at) => this.ids.id(b.item[at]));
  }

  /** The shopper's version (ShopperState.version) without copying their state; undefined without one. */
  version(key: string): number | undefined {
    const slot = this.slots.get(key);
    return slot === undefined ? undefined : this.block(slot).version[slot & (BLOCK - 1)];
  }

  apply(key: string, e: ShopEvent): void {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      this.slots.set(key, (slot = this.allocate()));
      this.block(slot).sessionStart[slot & (BLOCK - 1)] = e.timestamp;
    }
    const b = this.block(slot);
    const s = slot & (BLOCK - 1);
    if (e.timestamp - b.lastSeen[s] > SESSION_GAP_MS) b.sessionStart[s] = e.timestamp;
    b.lastSeen[s] = Math.max(b.lastSeen[s], e.timestamp);
    b.version[s] = ++this.clock;
    if (!e.itemId) return;
    const type = EventCode[e.eventType];
    if (ITEM_EVENT_CODES.has(type)) this.push(b, s, this.ids.hold(e.itemId), type, e.timestamp);
    if (e.eventType === 'add_to_cart') this.addToCart(b, s, this.ids.hold(e.itemId), e.quantity ?? 1);
    // A removal takes its quantity out (all without one); a purchase checks the item out.
    if (e.eventType === 'remove_from_cart') this.takeFromCart(b, s, e.itemId, e.quantity ?? Infinity);
    if (e.eventType === 'purchase') this.takeFromCart(b, s, e.itemId, Infinity);
  }

  /** Login: the anonymous session's history becomes the user's, in time order. */
  merge(fromKey: string, toKey: string): void {
    const from = this.slots.get(fromKey);
    if (from === undefined) return;
    this.slots.delete(fromKey);
    this.onDrop?.(fromKey);
    const to = this.slots.get(toKey);
    if (to === undefined) {
      this.slots.set(toKey, from);
      this.block(from).version[from & (BLOCK - 1)] = ++this.clock;
      return;
    }
    const [fb, f] = [this.block(from), from & (BLOCK - 1)];
    const [tb, t] = [this.block(to), to & (BLOCK - 1)];
    // Stable: at equal times the user's own events come first, as they were there first.
    const kept = [...this.events(tb, t), ...this.events(fb, f)]
      .sort((a, b) => a.time - b.time)
      .slice(-RECENT_CAPACITY);
    for (const e of kept) this.ids.retain(e.item);
    this.forget(tb, t);
    for (const e of kept) this.push(tb, t, e.item, e.type, e.time);
    this.carts.forEach(fb.cart[f], (item, quantity) => {
      this.ids.retain(item);
      this.addToCart(tb, t, item, quantity);
    });
    // The current session is the one seen last; it reaches back over the other only when they touch.
    const userNewer = tb.lastSeen[t] > fb.lastSeen[f];
    const newerStart = userNewer ? tb.sessionStart[t] : fb.sessionStart[f];
    const olderSeen = userNewer ? fb.lastSeen[f] : tb.lastSeen[t];
    tb.sessionStart[t] =
      newerStart - olderSeen <= SESSION_GAP_MS
        ? Math.min(tb.sessionStart[t], fb.sessionStart[f])
        : newerStart;
    tb.lastSeen[t] = Math.max(tb.lastSeen[t], fb.lastSeen[f]);
    tb.version[t] = ++this.clock;
    this.release(from);
  }

  erase(key: string): void {
    const slot = this.slots.get(key);
    if (slot !== undefined) {
      this.slots.delete(key);
      this.release(slot);
    }
    this.onDrop?.(key);
  }

  private block(slot: number): Block {
    return this.blocks[slot >>> BLOCK_BITS];
  }

  /** Appends an item event (its id held already) to the ring, dropping the oldest when it is full. */
  private push(b: Block, s: number, item: number, type: number, time: number): void {
    let at: number;
    if (b.count[s] < RECENT_CAPACITY) at = place(s, b.first[s] + b.count[s]++);
    else {
      at = place(s, b.first[s]);
      this.ids.release(b.item[at]);
      b.first[s] = (b.first[s] + 1) % RECENT_CAPACITY;
    }
    b.item[at] = item;
    b.type[at] = type;
    b.time[at] = time;
  }

  /** Adds to the cart an item whose number the caller holds once for it. */
  private addToCart(b: Block, s: number, item: number, quantity: number): void {
    const had = this.carts.quantityOf(b.cart[s], item);
    b.cart[s] = this.carts.set(b.cart[s], item, had + quantity);
    if (had > 0) this.ids.release(item); // the cart held it already
  }

  private takeFromCart(b: Block, s: number, id: string, quantity: number): void {
    const item = this.ids.numberOf(id);
    if (item === undefined) return; // no state holds the id, so no cart has it
    const had = this.carts.quantityOf(b.cart[s], item);
    if (!had) return;
    b.cart[s] = this.carts.set(b.cart[s], item, had - quantity);
    if (had - quantity <= 0) this.ids.release(item);
  }

  /** What read makes of each of the shopper's ring places, oldest event first. */
  private ring<T>(b: Block, s: number, read: (at: number) => T): T[] {
    const out: T[] = [];
    for (let k = 0; k < b.count[s]; k++) out.push(read(place(s, b.first[s] + k)));
    return out;
  }

  private events(b: Block, s: number): { item: number; type: number; time: number }[] {
    return this.ring(b, s, (at) => ({ item: b.item[at], type: b.type[at], time: b.time[at] }));
  }

  /** Empties the ring, giving back its hold on each id. */
  private forget(b: Block, s: number): void {
    for (let k = 0; k < b.count[s]; k++) this.ids.release(b.item[place(s, b.first[s] + k)]);
    b.first[s] = b.count[s] = 0;
  }

  private allocate(): number {
    const slot = this.freed.pop() ?? this.blocks.length * BLOCK;
    if (slot === this.blocks.length * BLOCK) {
      this.blocks.push(new Block());
      // Numbered from the block's end down, so that pop() hands them out in order.
      for (let next = slot + BLOCK - 1; next > slot; next--) this.freed.push(next);
    }
    return slot;
  }

  /** Gives the slot back, empty, with its holds on item ids. */
  private release(slot: number): void {
    const b = this.block(slot);
    const s = slot & (BLOCK - 1);
    this.forget(b, s);
    this.carts.clear(b.cart[s], (item) => this.ids.release(item));
    b.cart[s] = NO_NODE;
    b.sessionStart[s] = b.lastSeen[s] = b.version[s] = 0;
    this.freed.push(slot);
  }
}

/** Index in a block's ring columns of the shopper's k-th ring place (k may pass the ring's end once). */
const place = (s: number, k: number) => s * RECENT_CAPACITY + (k % RECENT_CAPACITY);
