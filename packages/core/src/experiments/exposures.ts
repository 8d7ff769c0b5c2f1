import { widened } from '../data/growable.js';
import { KeyTable } from '../data/key-table.js';

/**
 * Each exposed shopper of one experiment, by shopper key: their variant, when they were first exposed, their
 * impressions, clicks and revenue, whether they bought, and their orders' ids. Columnar typed arrays over a
 * KeyTable instead of an object per shopper in a Map: an experiment on a busy placement exposes most of a
 * shop's shoppers, and a million objects, keys and Map slots (~140 B each) would be traced by every full
 * collection of every serving process; here they are flat buffers it does not look into. Slots of shoppers
 * who leave (erasure, a session merged into its user) are reused.
 */
export class Exposures {
  private readonly slots = new KeyTable();
  private readonly free: number[] = [];
  private capacity = 0;
  /** Slots handed out so far: the next new one, when none is free. */
  private next = 0;
  variant = new Uint8Array(0);
  /** Event time of the first exposure. */
  since = new Float64Array(0);
  impressions = new Float64Array(0);
  clicks = new Float64Array(0);
  revenue = new Float64Array(0);
  purchased = new Uint8Array(0);
  /** Order ids by slot, for the few shoppers who bought (erasure takes their orders out of the figures). */
  private readonly orderIds = new Map<number, string[]>();

  get size(): number {
    return this.slots.size;
  }

  /** The shopper's slot; undefined when they were not exposed. */
  slot(shopper: string): number | undefined {
    return this.slots.get(shopper);
  }

  /** A new exposure of the shopper (not yet exposed) in the variant since the time; returns its slot. */
  add(shopper: string, variant: number, since: number): number {
    if (this.slots.has(shopper)) throw new Error(`${shopper} is exposed already`);
    const slot = this.free.pop() ?? this.next++;
    if (slot >= this.capacity) this.grow();
    this.slots.set(shopper, slot);
    this.variant[slot] = variant;
    this.since[slot] = since;
    this.impressions[slot] = 0;
    this.clicks[slot] = 0;
    this.revenue[slot] = 0;
    this.purchased[slot] = 0;
    return slot;
  }

  /** The exposure of `from` becomes `to`'s (who has none). */
  rename(from: string, to: string): void {
    const slot = this.slots.get(from);
    if (slot === undefined) return;
    if (this.slots.has(to)) throw new Error(`${to} is exposed already`);
    this.slots.delete(from);
    this.slots.set(to, slot);
  }

  delete(shopper: string): void {
    const slot = this.slots.get(shopper);
    if (slot === undefined) return;
    this.slots.delete(shopper);
    this.orderIds.delete(slot);
    this.free.push(slot);
  }

  orders(slot: number): readonly string[] {
    return this.orderIds.get(slot) ?? NO_ORDERS;
  }

  addOrder(slot: number, orderId: string): void {
    const orders = this.orderIds.get(slot);
    if (orders) orders.push(orderId);
    else this.orderIds.set(slot, [orderId]);
  }

  private grow(): void {
    const capacity = Math.max(1024, 2 * this.capacity);
    this.variant = widened(this.variant, capacity);
    this.since = widened(this.since, capacity);
    this.impressions = widened(this.impressions, capacity);
    this.clicks = widened(this.clicks, capacity);
    this.revenue = widened(this.revenue, capacity);
    this.purchased = widened(this.purchased, capacity);
    this.capacity = capacity;
  }
}

const NO_ORDERS: readonly string[] = [];
