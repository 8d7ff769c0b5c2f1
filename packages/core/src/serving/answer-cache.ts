import { Lru } from './lru.js';
import type { Recommendations } from './recommender.js';

/**
 * Whole answers to questions asked lately: the hot-key cache of serving. A key must say everything an answer
 * depends on (the request, the shopper's state version, the models and the catalog), so that a hit is never
 * stale; answers also expire after ttlMs, for what no key can say (best sellers moving with other shoppers).
 *
 * A key is admitted on its second request within the doorkeeper's memory: most personalized questions are
 * asked once, and caching them would evict the hot answers and keep megabytes of one-off answers alive into
 * the old generation of the heap, where collecting them stalls every request.
 */
export class AnswerCache {
  private readonly answers: Lru<string, { at: number; value: Recommendations }>;
  private readonly doorkeeper: Doorkeeper;
  hits = 0;
  misses = 0;

  constructor(
    capacity: number,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {
    this.answers = new Lru(capacity);
    this.doorkeeper = new Doorkeeper(4 * capacity);
  }

  get(key: string): Recommendations | undefined {
    const hit = this.answers.get(key);
    const fresh = hit && this.now() - hit.at < this.ttlMs ? hit.value : undefined;
    if (fresh) this.hits++;
    else this.misses++;
    return fresh;
  }

  /** Keeps an answer when its key was asked before; else remembers that it was asked. */
  offer(key: string, value: Recommendations): void {
    if (this.doorkeeper.askedBefore(fnv1a(key))) this.answers.set(key, { at: this.now(), value });
  }

  clear(): void {
    this.answers.clear();
    this.doorkeeper.clear();
  }

  get stats(): { hits: number; misses: number; size: number } {
    return { hits: this.hits, misses: this.misses, size: this.answers.size };
  }
}

/**
 * Hashes of keys asked lately, each in the place its low bits choose: a later hash in the same place takes it
 * over, so "lately" is about as many keys as there are places. A collision only admits an answer early. Its
 * memory is one typed array, where a Map of hashes grew, was dropped and grew again, and every table it grew
 * through survived into the old generation (2.3 MB in 8 s of product-page requests at 3,000/s).
 */
class Doorkeeper {
  private readonly hashes: Int32Array;
  private readonly mask: number;

  constructor(places: number) {
    this.hashes = new Int32Array(2 ** Math.ceil(Math.log2(Math.max(places, 2)))).fill(-1);
    this.mask = this.hashes.length - 1;
  }

  /** Whether the hash (≥ 0) was met lately; it is remembered either way. */
  askedBefore(hash: number): boolean {
    const at = hash & this.mask;
    if (this.hashes[at] === hash) return true;
    this.hashes[at] = hash;
    return false;
  }

  clear(): void {
    this.hashes.fill(-1);
  }
}

/**
 * FNV-1a over UTF-16 code units, cut to 30 bits: a cheap, well-spread hash for the doorkeeper, small enough
 * to be a V8 small integer (no heap number allocated per request).
 */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h & 0x3fffffff;
}
