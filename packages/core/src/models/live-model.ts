import { KeyTable } from '../data/key-table.js';
import { EventCode } from '../domain/events.js';
import type { LoggedEvent } from '../ports/event-log.js';
import type { ModelVersion } from '../ports/model-store.js';
import type { InteractionEvent, Recipe } from '../recipes/recipe.js';
import { decodeModel } from './model-package.js';

let serials = 0;

/**
 * A model version loaded for serving: the recipe, the mapping between item ids and its indices, and how far
 * into the event log its incremental updates reach.
 */
export class LiveModel {
  /** Unique per loaded model in this process, for caches of what it ranked. */
  readonly serial = ++serials;
  readonly recipe: Recipe;
  readonly itemIds: readonly string[];
  private readonly index = new KeyTable();
  /** Offset of the newest event applied (the training watermark, then every update). */
  appliedOffset: number;

  constructor(
    readonly version: ModelVersion,
    blob: Uint8Array,
  ) {
    const { recipe, itemIds } = decodeModel(blob);
    this.recipe = recipe;
    this.itemIds = itemIds;
    itemIds.forEach((id, i) => this.index.set(id, i));
    this.appliedOffset = version.watermark;
  }

  /** The model's index of an item, -1 for one it was not trained with. */
  indexOf(itemId: string): number {
    return this.index.get(itemId) ?? -1;
  }

  indices(itemIds: readonly string[]): Int32Array {
    return Int32Array.from(itemIds, (id) => this.indexOf(id));
  }

  /**
   * Applies events past the applied offset, each with the shopper's items before it (for co-occurrence).
   * Replays are harmless: events at or below the offset are skipped.
   */
  update(events: readonly LoggedEvent[], recentItems: (e: LoggedEvent) => readonly string[]): void {
    const fresh: InteractionEvent[] = [];
    for (const e of events) {
      if (e.offset <= this.appliedOffset || !e.itemId) continue;
      fresh.push({
        user: -1,
        item: this.indexOf(e.itemId),
        type: EventCode[e.eventType],
        time: e.timestamp,
        recent: this.indices(recentItems(e)),
      });
      this.appliedOffset = e.offset;
    }
    if (fresh.length) this.recipe.update(fresh);
  }
}
