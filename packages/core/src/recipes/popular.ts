import { DEFAULT_EVENT_WEIGHTS, EVENT_TYPES, type EventType, weightsByCode } from '../domain/events.js';
import type { Interactions } from '../data/interactions.js';
import { numItems } from '../data/interactions.js';
import type { Query } from './query.js';
import { ScoringRecipe, type InteractionEvent, type Reason } from './recipe.js';
import type { Snapshot } from './snapshot.js';
import { topK, type ScoredItem } from './top-k.js';

export interface PopularParams {
  /** Weight of each event type in the count (0 ignores it): "best sellers" weight purchases, "most viewed" views. */
  eventWeights: Record<EventType, number>;
  /** Count only the last N days before the newest event; null counts all history. */
  windowDays: number | null;
}

/** Best sellers / most viewed: weighted event counts per item, the same for every shopper. */
export class PopularRecipe extends ScoringRecipe {
  readonly name = 'popular';
  readonly params: PopularParams;
  private counts: Float64Array = new Float64Array(0);

  constructor(params: Partial<PopularParams> = {}) {
    super();
    this.params = {
      eventWeights: { ...DEFAULT_EVENT_WEIGHTS, ...params.eventWeights },
      windowDays: params.windowDays ?? null,
    };
  }

  get numItems(): number {
    return this.counts.length;
  }

  async fit(data: Interactions): Promise<void> {
    const weights = weightsByCode(this.params.eventWeights);
    let newest = -Infinity;
    for (const t of data.time) newest = Math.max(newest, t);
    const since = this.params.windowDays === null ? -Infinity : newest - this.params.windowDays * 86_400_000;
    this.counts = new Float64Array(numItems(data));
    for (let i = 0; i < data.item.length; i++)
      if (data.time[i] >= since) this.counts[data.item[i]] += weights[data.type[i]];
  }

  /** Popularity counts per item (read-only view), also used as a tie-breaker by other recipes. */
  get popularity(): Float64Array {
    return this.counts;
  }

  scoreInto(_query: Query, out: Float32Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.counts[i];
  }

  similarItems(item: number, n: number): ScoredItem[] {
    const scores = Float32Array.from(this.counts);
    scores[item] = -Infinity;
    return topK(scores, n);
  }

  update(events: readonly InteractionEvent[]): void {
    for (const e of events)
      if (e.item >= 0 && e.item < this.counts.length)
        this.counts[e.item] += this.params.eventWeights[EVENT_TYPES[e.type]] ?? 0;
  }

  save(): Snapshot {
    return { recipe: this.name, params: { ...this.params }, state: {}, arrays: { counts: this.counts } };
  }

  load(snapshot: Snapshot): void {
    this.checkSnapshot(snapshot);
    Object.assign(this.params, snapshot.params);
    this.counts = snapshot.arrays.counts as Float64Array;
  }

  explain(): Reason {
    return { type: 'popular' };
  }
}
