import type { Interactions } from '../data/interactions.js';
import { numItems } from '../data/interactions.js';
import type { Query } from './query.js';
import { ScoringRecipe, type Reason } from './recipe.js';
import type { Snapshot } from './snapshot.js';
import type { ScoredItem } from './top-k.js';

/** mulberry32: a tiny, fast, seedable PRNG; quality is ample for shuffling a ranking. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The baseline every other recipe must beat: a uniformly random ranking, reproducible per query. */
export class RandomRecipe extends ScoringRecipe {
  readonly name = 'random';
  readonly params: { seed: number };
  numItems = 0;

  constructor(params: Partial<{ seed: number }> = {}) {
    super();
    this.params = { seed: params.seed ?? 42 };
  }

  async fit(data: Interactions): Promise<void> {
    this.numItems = numItems(data);
  }

  scoreInto(query: Query, out: Float32Array): void {
    const next = mulberry32(this.params.seed ^ Math.imul(query.user + 1, 0x9e3779b1) ^ query.items.length);
    for (let i = 0; i < out.length; i++) out[i] = next();
  }

  similarItems(item: number, n: number): ScoredItem[] {
    return this.recommend(
      [{ user: item, items: Int32Array.of(item), types: new Uint8Array(1), times: new Float64Array(1) }],
      n,
    )[0];
  }

  update(): void {}

  save(): Snapshot {
    return { recipe: this.name, params: this.params, state: { numItems: this.numItems }, arrays: {} };
  }

  load(snapshot: Snapshot): void {
    this.checkSnapshot(snapshot);
    Object.assign(this.params, snapshot.params);
    this.numItems = snapshot.state.numItems as number;
  }

  explain(): Reason {
    return { type: 'popular' };
  }
}
