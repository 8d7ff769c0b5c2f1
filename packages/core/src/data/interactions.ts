import { EventCode } from '../domain/events.js';
import type { ItemAttributes } from '../domain/items.js';
import { Growable } from './growable.js';
import { IdIndex } from './id-index.js';

/**
 * Interaction history in columns, one row per event, rows grouped by user and in time order within a user
 * (every function here keeps that order, and the splits and recipes rely on it). Users and items are dense
 * indices into userIds and itemIds; an item may be in the catalog without any row.
 */
export interface Interactions {
  user: Int32Array;
  item: Int32Array;
  /** Epoch milliseconds, or positions in the user's sequence when the data has no timestamps. */
  time: Float64Array;
  /** Event code (index in EVENT_TYPES). */
  type: Uint8Array;
  /** Basket (order or cart) index, -1 when the row belongs to none. */
  basket: Int32Array;
  userIds: string[];
  itemIds: string[];
  /** Catalog attributes by item index, where known. */
  itemInfo?: (ItemAttributes | undefined)[];
}

export const numUsers = (d: Interactions): number => d.userIds.length;
export const numItems = (d: Interactions): number => d.itemIds.length;

/** Row offsets per user: user u's rows are ptr[u]..ptr[u+1]-1. */
export function userOffsets(d: Interactions): Int32Array {
  const ptr = new Int32Array(numUsers(d) + 1);
  for (let r = 0; r < d.user.length; r++) ptr[d.user[r] + 1]++;
  for (let u = 0; u < numUsers(d); u++) ptr[u + 1] += ptr[u];
  return ptr;
}

/** The rows for which keep is true, in the same order, with the same users and items. */
export function filterRows(d: Interactions, keep: (row: number) => boolean): Interactions {
  const rows: number[] = [];
  for (let r = 0; r < d.user.length; r++) if (keep(r)) rows.push(r);
  const pick = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
    const out = new (a.constructor as new (n: number) => T)(rows.length);
    rows.forEach((r, k) => (out[k] = a[r]));
    return out;
  };
  return {
    ...d,
    user: pick(d.user),
    item: pick(d.item),
    time: pick(d.time),
    type: pick(d.type),
    basket: pick(d.basket),
  };
}

/** Collects events with string ids in any order and builds the grouped, time-ordered columns. */
export class InteractionsBuilder {
  readonly users = new IdIndex();
  readonly items = new IdIndex();
  readonly baskets = new IdIndex();
  private readonly user = new Growable(Int32Array);
  private readonly item = new Growable(Int32Array);
  private readonly time = new Growable(Float64Array);
  private readonly type = new Growable(Uint8Array);
  private readonly basket = new Growable(Int32Array);

  get size(): number {
    return this.user.length;
  }

  add(user: string, item: string, time: number, type: number = EventCode.view, basket?: string): void {
    this.user.push(this.users.intern(user));
    this.item.push(this.items.intern(item));
    this.time.push(time);
    this.type.push(type);
    this.basket.push(basket === undefined || basket === '' ? -1 : this.baskets.intern(basket));
  }

  /**
   * Groups rows by user (in order of first appearance) with a counting sort, then orders each user's rows by
   * time, keeping arrival order among equal times. Histories mostly arrive in order, so a user already in order
   * costs one pass; any other is sorted by (time, arrival), O(n log n) even for newest-first exports.
   */
  build(itemInfo?: (ItemAttributes | undefined)[]): Interactions {
    const n = this.user.length;
    const users = this.user.toArray();
    const times = this.time.toArray();
    const ptr = new Int32Array(this.users.size + 1);
    for (let r = 0; r < n; r++) ptr[users[r] + 1]++;
    for (let u = 0; u < this.users.size; u++) ptr[u + 1] += ptr[u];
    const fill = ptr.slice(0, this.users.size);
    const order = new Int32Array(n);
    for (let r = 0; r < n; r++) order[fill[users[r]]++] = r;
    const byTimeThenArrival = (a: number, b: number) => times[a] - times[b] || a - b;
    for (let u = 0; u < this.users.size; u++) {
      let k = ptr[u] + 1;
      while (k < ptr[u + 1] && times[order[k - 1]] <= times[order[k]]) k++;
      // Within a user, order holds rows in arrival order, so breaking ties by row keeps arrival order.
      if (k < ptr[u + 1]) order.subarray(ptr[u], ptr[u + 1]).sort(byTimeThenArrival);
    }
    const pick = <T extends Int32Array | Float64Array | Uint8Array>(
      g: Growable<T>,
      C: new (n: number) => T,
    ) => {
      const out = new C(n);
      for (let k = 0; k < n; k++) out[k] = g.at(order[k]);
      return out;
    };
    return {
      user: pick(this.user, Int32Array),
      item: pick(this.item, Int32Array),
      time: pick(this.time, Float64Array),
      type: pick(this.type, Uint8Array),
      basket: pick(this.basket, Int32Array),
      userIds: this.users.ids,
      itemIds: this.items.ids,
      ...(itemInfo ? { itemInfo } : {}),
    };
  }
}
