import type { Item } from '../domain/items.js';

/**
 * The catalog in memory for serving: availability, filters, display and the catalog-only fallback
 * ("related" = the same deepest category). version changes on every write so caches can key on it.
 */
export class CatalogIndex {
  private items = new Map<string, Item>();
  private byCategory = new Map<string, string[]>();
  private dirty = true;
  version = 0;

  get size(): number {
    return this.items.size;
  }

  upsert(items: readonly Item[]): void {
    for (const item of items) this.items.set(item.itemId, item);
    this.changed();
  }

  markUnavailable(itemId: string): void {
    const item = this.items.get(itemId);
    if (item) this.items.set(itemId, { ...item, available: false });
    this.changed();
  }

  get(itemId: string): Item | undefined {
    return this.items.get(itemId);
  }

  isAvailable(itemId: string): boolean {
    return this.items.get(itemId)?.available ?? false;
  }

  all(): IterableIterator<Item> {
    return this.items.values();
  }

  /** Available items of the item's deepest category, excluding the item itself. */
  related(itemId: string): readonly string[] {
    const item = this.items.get(itemId);
    if (!item?.categories.length) return [];
    if (this.dirty) this.reindex();
    return (this.byCategory.get(item.categories.join('\u0001')) ?? []).filter((id) => id !== itemId);
  }

  private changed(): void {
    this.version++;
    this.dirty = true;
  }

  private reindex(): void {
    this.byCategory.clear();
    for (const item of this.items.values()) {
      if (!item.available || !item.categories.length) continue;
      const key = item.categories.join('\u0001');
      const list = this.byCategory.get(key);
      if (list) list.push(item.itemId);
      else this.byCategory.set(key, [item.itemId]);
    }
    this.dirty = false;
  }
}
