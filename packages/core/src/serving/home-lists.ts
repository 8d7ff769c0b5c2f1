import { widened } from '../data/growable.js';
import { KeyTable } from '../data/key-table.js';
import type { Reason } from '../recipes/recipe.js';

/** How many items a prepared home list holds; a request for more is ranked on the spot. */
export const HOME_LIST_SIZE = 20;

export const REASON_TYPES: readonly Reason['type'][] = [
  'viewed',
  'bought-together',
  'popular',
  'trending',
  'similar-users',
];

/** What a stored list was ranked from, and when. */
export interface ListStamp {
  /** The LiveModel serial of the model that ranked it. */
  model: number;
  /** The shopper's state version it was ranked from. */
  version: number;
  catalogVersion: number;
  rankedAt: number;
}

/** A ranked list in model indices, best first, with each item's reason (type code and anchor item, or -1). */
export interface RankedList {
  items: Int32Array;
  scores: Float32Array;
  reasons: Uint8Array;
  anchors: Int32Array;
}

/**
 * Every shopper's "Recommended for you" list, ranked before they ask (in the background after a promotion,
 * and on the request that follows a change of theirs). A list is valid only for the model that ranked it and
 * the state version it was ranked from, so an event makes it stale at once and freshness is untouched.
 * Columnar typed arrays instead of an object per shopper, keys in a KeyTable: a million lists are a few flat
 * buffers, nothing for the garbage collector to trace.
 */
export class HomeLists {
  private readonly slots = new KeyTable();
  private readonly free: number[] = [];
  private capacity = 0;
  private items = new Int32Array(0);
  private scores = new Float32Array(0);
  private reasons = new Uint8Array(0);
  private anchors = new Int32Array(0);
  private counts = new Uint8Array(0);
  private models = new Float64Array(0);
  private versions = new Float64Array(0);
  private catalogs = new Float64Array(0);
  private rankedAt = new Float64Array(0);

  /** Home requests answered from a list, and those that had to rank one (counted by the serving path). */
  hits = 0;
  misses = 0;

  constructor(readonly size = HOME_LIST_SIZE) {}

  /** Shoppers holding a list (valid or stale). */
  get count(): number {
    return this.slots.size;
  }

  /**
   * The shopper's list if model (a LiveModel serial) ranked it from this version of their state, with the
   * catalog version it was ranked against (items may have become unavailable since) and when.
   */
  get(key: string, model: number, version: number): (RankedList & ListStamp) | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined || this.models[slot] !== model || this.versions[slot] !== version)
      return undefined;
    const from = slot * this.size;
    const to = from + this.counts[slot];
    return {
      items: this.items.subarray(from, to),
      scores: this.scores.subarray(from, to),
      reasons: this.reasons.subarray(from, to),
      anchors: this.anchors.subarray(from, to),
      model,
      version,
      catalogVersion: this.catalogs[slot],
      rankedAt: this.rankedAt[slot],
    };
  }

  /** Stores the first `size` entries of list[from, to) as the shopper's list. */
  set(key: string, stamp: ListStamp, list: RankedList, from = 0, to = list.items.length): void {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = this.free.pop() ?? this.slots.size;
      if (slot >= this.capacity) this.grow();
      this.slots.set(key, slot);
    }
    const count = Math.min(this.size, to - from);
    const at = slot * this.size;
    this.items.set(list.items.subarray(from, from + count), at);
    this.scores.set(list.scores.subarray(from, from + count), at);
    this.reasons.set(list.reasons.subarray(from, from + count), at);
    this.anchors.set(list.anchors.subarray(from, from + count), at);
    this.counts[slot] = count;
    this.models[slot] = stamp.model;
    this.versions[slot] = stamp.version;
    this.catalogs[slot] = stamp.catalogVersion;
    this.rankedAt[slot] = stamp.rankedAt;
  }

  delete(key: string): void {
    const slot = this.slots.get(key);
    if (slot === undefined) return;
    this.slots.delete(key);
    this.counts[slot] = 0;
    this.models[slot] = 0;
    this.free.push(slot);
  }

  private grow(): void {
    const capacity = Math.max(1024, this.capacity * 2);
    const widen = <T extends Int32Array | Float32Array | Uint8Array | Float64Array>(old: T, per: number) =>
      widened(old, capacity * per);
    this.items = widen(this.items, this.size);
    this.scores = widen(this.scores, this.size);
    this.reasons = widen(this.reasons, this.size);
    this.anchors = widen(this.anchors, this.size);
    this.counts = widen(this.counts, 1);
    this.models = widen(this.models, 1);
    this.versions = widen(this.versions, 1);
    this.catalogs = widen(this.catalogs, 1);
    this.rankedAt = widen(this.rankedAt, 1);
    this.capacity = capacity;
  }
}
