import { hashString } from './hash.js';

/** Buckets per entry of room: they are at most half full, so that runs of linear probing stay short. */
const LOAD = 2;
const MIN_ENTRIES = 1024;
const NONE = -1;
const FIELDS = 4;
const HASH = 0;
const START = 1;
/** Code units of the key; NONE once the entry is deleted. */
const LENGTH = 2;
const VALUE = 3;

/**
 * A Map<string, number> whose keys live in typed arrays instead of as strings on the heap. A million
 * shoppers' keys in a Map are a million strings and a table of three million slots, all of which every full
 * collection marks: with a million shoppers' states and home lists keyed by Maps, each full collection cost
 * the main thread 48–61 ms (its final pause 22–29 ms), with these tables 21–23 ms (6–7 ms) (BENCHMARKS.md).
 * Here the keys are a few flat buffers the collector does not look into.
 *
 * Open addressing with linear probing over a power-of-two bucket array. Each entry is four int32s side by
 * side (its key's hash, where the key's UTF-16 code units start in one arena and how many there are, its
 * value), so that a lookup reads one cache line of them. Deletion shifts the entries of a run back (no
 * tombstones); deleted keys' entries are reclaimed when the entries next fill, their code units when they are
 * half the arena, by compacting both in order into arrays sized for what is live (so a table shrinks after
 * mass erasure). Iteration follows insertion order, as a Map's does, and makes each key's string anew. Values
 * are integers in [0, 2^31).
 */
export class KeyTable {
  /** Entry + 1 per bucket, 0 when empty. */
  private buckets = new Int32Array(MIN_ENTRIES * LOAD);
  private records = new Int32Array(MIN_ENTRIES * FIELDS);
  private chars = new Uint16Array(MIN_ENTRIES * 16);
  /** Entries handed out (live and deleted), code units used by them, and those of deleted keys. */
  private entries = 0;
  private used = 0;
  private deadChars = 0;
  private count = 0;
  /**
   * The last key get() found and its value: a request asks for its shopper more than once (the answer cache's
   * key, then the model's query), and each lookup in a million entries is a hash over the key and three reads
   * at random places of the table. Any change forgets it.
   */
  private lastKey: string | undefined;
  private lastValue = 0;

  get size(): number {
    return this.count;
  }

  get(key: string): number | undefined {
    if (key === this.lastKey) return this.lastValue;
    const b = this.bucketOf(key, hashString(key));
    if (b === NONE) return undefined;
    this.lastKey = key;
    return (this.lastValue = this.records[(this.buckets[b] - 1) * FIELDS + VALUE]);
  }

  has(key: string): boolean {
    return this.bucketOf(key, hashString(key)) !== NONE;
  }

  set(key: string, value: number): this {
    if ((value | 0) !== value || value < 0)
      throw new RangeError(`a key table holds integers in [0, 2^31), not ${value}`);
    this.lastKey = undefined;
    const hash = hashString(key);
    const b = this.bucketOf(key, hash);
    if (b !== NONE) {
      this.records[(this.buckets[b] - 1) * FIELDS + VALUE] = value;
      return this;
    }
    if (this.entries * FIELDS === this.records.length) this.compact(this.capacityFor(this.size + 1));
    if (this.used + key.length > this.chars.length) this.makeRoomFor(key.length);
    const e = this.entries++;
    const r = e * FIELDS;
    this.records[r + HASH] = hash;
    this.records[r + START] = this.used;
    this.records[r + LENGTH] = key.length;
    this.records[r + VALUE] = value;
    for (let i = 0; i < key.length; i++) this.chars[this.used++] = key.charCodeAt(i);
    this.place(e);
    this.count++;
    return this;
  }

  delete(key: string): boolean {
    this.lastKey = undefined;
    const b = this.bucketOf(key, hashString(key));
    if (b === NONE) return false;
    const r = (this.buckets[b] - 1) * FIELDS;
    this.deadChars += this.records[r + LENGTH];
    this.records[r + LENGTH] = NONE;
    this.count--;
    // Backward shift: each later entry of the run whose home bucket does not lie in (hole, its bucket] moves
    // into the hole, so that every entry stays reachable from its home without tombstones.
    const mask = this.buckets.length - 1;
    let hole = b;
    for (let j = (b + 1) & mask; this.buckets[j] !== 0; j = (j + 1) & mask) {
      const home = this.records[(this.buckets[j] - 1) * FIELDS + HASH] & mask;
      const reachable = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (reachable) continue;
      this.buckets[hole] = this.buckets[j];
      hole = j;
    }
    this.buckets[hole] = 0;
    return true;
  }

  /** The keys in insertion order. A set during the walk may move entries: to change the table, walk a copy. */
  *keys(): IterableIterator<string> {
    for (const [key] of this) yield key;
  }

  /** [key, value] pairs in insertion order, as a Map's (see keys()). */
  *[Symbol.iterator](): IterableIterator<[string, number]> {
    for (let r = 0; r < this.entries * FIELDS; r += FIELDS)
      if (this.records[r + LENGTH] !== NONE) yield [this.keyOf(r), this.records[r + VALUE]];
  }

  /** The bucket holding key's entry, or NONE. */
  private bucketOf(key: string, hash: number): number {
    const mask = this.buckets.length - 1;
    for (let b = hash & mask; ; b = (b + 1) & mask) {
      const e = this.buckets[b] - 1;
      if (e === NONE) return NONE;
      if (this.records[e * FIELDS + HASH] === hash && this.matches(e * FIELDS, key)) return b;
    }
  }

  /** Whether the entry whose record starts at r holds key. */
  private matches(r: number, key: string): boolean {
    if (this.records[r + LENGTH] !== key.length) return false;
    const start = this.records[r + START];
    for (let i = 0; i < key.length; i++) if (this.chars[start + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  private place(e: number): void {
    const mask = this.buckets.length - 1;
    let b = this.records[e * FIELDS + HASH] & mask;
    while (this.buckets[b] !== 0) b = (b + 1) & mask;
    this.buckets[b] = e + 1;
  }

  private keyOf(r: number): string {
    const start = this.records[r + START];
    let key = '';
    // In pieces: an argument list has a limit, and a key may be long.
    for (let at = start, end = start + this.records[r + LENGTH]; at < end; at += 4096)
      key += String.fromCharCode(...this.chars.subarray(at, Math.min(end, at + 4096)));
    return key;
  }

  /** Entries to allocate for `live` of them: a quarter left free at least, so that compaction is rare. */
  private capacityFor(live: number): number {
    let capacity = MIN_ENTRIES;
    while (capacity - live < capacity / 4) capacity *= 2;
    return capacity;
  }

  /** Arena room for `extra` more code units: taken back from deleted keys when they are half, or grown. */
  private makeRoomFor(extra: number): void {
    if (this.deadChars > 0 && this.deadChars * 2 >= this.used) this.compact(this.capacityFor(this.size));
    if (this.used + extra <= this.chars.length) return;
    let length = this.chars.length * 2;
    while (length < this.used + extra) length *= 2;
    const chars = new Uint16Array(length);
    chars.set(this.chars.subarray(0, this.used));
    this.chars = chars;
  }

  /** Rewrites the live entries in order into arrays of `capacity` entries, without deleted keys. */
  private compact(capacity: number): void {
    const records = new Int32Array(capacity * FIELDS);
    let room = MIN_ENTRIES * 16;
    while (room < 2 * (this.used - this.deadChars)) room *= 2;
    const chars = new Uint16Array(room);
    let n = 0;
    let used = 0;
    for (let r = 0; r < this.entries * FIELDS; r += FIELDS) {
      const length = this.records[r + LENGTH];
      if (length === NONE) continue;
      const start = this.records[r + START];
      chars.set(this.chars.subarray(start, start + length), used);
      const to = n++ * FIELDS;
      records[to + HASH] = this.records[r + HASH];
      records[to + START] = used;
      records[to + LENGTH] = length;
      records[to + VALUE] = this.records[r + VALUE];
      used += length;
    }
    this.records = records;
    this.chars = chars;
    this.entries = n;
    this.used = used;
    this.deadChars = 0;
    this.buckets = new Int32Array(capacity * LOAD);
    for (let e = 0; e < n; e++) this.place(e);
  }
}
