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
  /** Hashes of keys asked once lately (a collision only admits an answer early). */
  private readonly doorkeeper: Lru<number, true>;
  hits = 0;
  misses = 0;

  constructor(
    capacity: number,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {
    this.answers = new Lru(capacity);
    this.doorkeeper = new Lru(4 * capacity);
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
    const h = fnv1a(key);
    if (this.doorkeeper.get(h)) this.answers.set(key, { at: this.now(), value });
    else this.doorkeeper.set(h, true);
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
