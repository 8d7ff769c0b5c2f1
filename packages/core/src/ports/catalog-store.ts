import type { Item } from '../domain/items.js';

/** The shop's catalog. */
export interface CatalogStore {
  upsert(items: readonly Item[]): Promise<void>;
  get(itemId: string): Promise<Item | undefined>;
  /** Every item, in a stable order (for training and for the serving cache of attributes). */
  all(): Promise<Item[]>;
  /** Marks an item unavailable (it stays for history); false when there is no such item. */
  markUnavailable(itemId: string): Promise<boolean>;
  count(): Promise<number>;
  close(): Promise<void>;
}

export class MemoryCatalogStore implements CatalogStore {
  private items = new Map<string, Item>();

  async upsert(items: readonly Item[]): Promise<void> {
    for (const item of items) this.items.set(item.itemId, structuredClone(item));
  }
  async get(itemId: string): Promise<Item | undefined> {
    return this.items.get(itemId);
  }
  async all(): Promise<Item[]> {
    return [...this.items.values()];
  }
  async markUnavailable(itemId: string): Promise<boolean> {
    const item = this.items.get(itemId);
    if (item) item.available = false;
    return item !== undefined;
  }
  async count(): Promise<number> {
    return this.items.size;
  }
  async close(): Promise<void> {}
}
