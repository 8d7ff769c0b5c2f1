import { Lru } from './lru.js';
import type { Recommendations } from './recommender.js';

/**
 * Whole answers to questions asked lately: the hot-key cache of serving. A key must say everything an answer
 * depends on (the request, the shopper's state version, the models and the catalog), so that a hit is never
 * stale; answers also expire after ttlMs, for what no key can say (best sellers moving with other shoppers).
 *
 * A key is admitted on its third request within the doorkeeper's memory: most personalized questions are
 * asked once, and caching them would evict the hot answers and keep megabytes of one-off answers alive into
 * the old generation of the heap, where collecting them stalls every request. The second request was the bar
 * until measured: with a million shoppers drawn at random, about 6% of carts are asked again by chance within
 * the memory (65,536 keys, six seconds at 10,000 requests/s), and the answers kept for them brought a full
 * collection into nearly every 10-s probe; at 12,000 carts/s p99 was 8.8–12.6 ms, against 4.1–4.3 ms with
 * the third request as the bar (interleaved probes, 2026-12-05), which 0.34% of carts reach by chance (2,291
 * answers kept of 678,883 asked). A hot key (a product page first-time visitors see) is asked a third time
 * as soon as a second.
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

  /** Keeps an answer when its key was asked twice before; else counts that it was asked. */
  offer(key: string, value: Recommendations): void {
    if (this.doorkeeper.askedBefore(fnv1a(key)) >= ADMITTED_AFTER)
      this.answers.set(key, { at: this.now(), value });
  }

  clear(): void {
    this.answers.clear();
    this.doorkeeper.clear();
  }

  get stats(): { hits: number; misses: number; size: number } {
    return { hits: this.hits, misses: this.misses, size: this.answers.size };
  }
}

/** How many times a key was asked lately before it is kept. */
const ADMITTED_AFTER = 2;

/**
 * Hashes of keys asked lately, each in the place its low bits choose, with how many times it was asked: a
 * later hash in the same place takes it over, so "lately" is about as many keys as there are places. A
 * collision only admits an answer early. Its memory is two typed arrays, where a Map of hashes grew, was
 * dropped and grew again, and every table it grew through survived into the old generation (2.3 MB in 8 s of
 * product-page requests at 3,000/s).
 */
class Doorkeeper {
  private readonly hashes: Int32Array;
  private readonly counts: Uint8Array;
  private readonly mask: number;

  constructor(places: number) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(places, 2)));
    this.hashes = new Int32Array(size).fill(-1);
    this.counts = new Uint8Array(size);
    this.mask = size - 1;
  }

  /** How many times the hash (≥ 0) was met lately (counting stops at 255); this time is counted too. */
  askedBefore(hash: number): number {
    const at = hash & this.mask;
    if (this.hashes[at] !== hash) {
      this.hashes[at] = hash;
      this.counts[at] = 1;
      return 0;
    }
    const before = this.counts[at];
    if (before < 255) this.counts[at] = before + 1;
    return before;
  }

  clear(): void {
    this.hashes.fill(-1);
    this.counts.fill(0);
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
