import type { Item } from '../domain/items.js';

/** A category of the available catalog: its items at any depth below it, its children largest first. */
export interface CategoryNode {
  readonly name: string;
  readonly count: number;
  readonly children: readonly CategoryNode[];
}

interface Branch {
  name: string;
  count: number;
  children: Map<string, Branch>;
}

/**
 * The catalog in memory for serving: availability, filters, display and the catalog-only fallback
 * ("related" = the same deepest category). version changes on every write so caches can key on it.
 */
export class CatalogIndex {
  private items = new Map<string, Item>();
  private byCategory = new Map<string, string[]>();
  /** Available items by category name at any depth ('' = all of them), in catalog order. */
  private shelves = new Map<string, Item[]>();
  /** Built when first asked for after a change: most catalog writes are followed by no category page. */
  private tree?: readonly CategoryNode[];
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

  /**
   * The available items filed under a category name at any depth of their path, or every available item for
   * '' (a category page, a browse): kept until the catalog changes, so a page is a slice, not a catalog scan.
   */
  shelf(category = ''): readonly Item[] {
    if (this.dirty) this.reindex();
    return this.shelves.get(category) ?? [];
  }

  /** The category tree of the available items, largest first at every level; kept until the catalog changes. */
  categoryTree(): readonly CategoryNode[] {
    if (this.dirty) this.reindex();
    return (this.tree ??= categoryTree(this.shelves.get('') ?? []));
  }

  private changed(): void {
    this.version++;
    this.dirty = true;
  }

  private reindex(): void {
    this.byCategory.clear();
    this.shelves.clear();
    const all: Item[] = [];
    this.shelves.set('', all);
    this.tree = undefined;
    for (const item of this.items.values()) {
      if (!item.available) continue;
      all.push(item);
      for (const name of new Set(item.categories)) {
        const shelf = this.shelves.get(name);
        if (shelf) shelf.push(item);
        else this.shelves.set(name, [item]);
      }
      if (!item.categories.length) continue;
      const key = item.categories.join('\u0001');
      const list = this.byCategory.get(key);
      if (list) list.push(item.itemId);
      else this.byCategory.set(key, [item.itemId]);
    }
    this.dirty = false;
  }
}

/** The categories of the items, nested by path, each with its item count; largest first at every level. */
function categoryTree(items: readonly Item[]): readonly CategoryNode[] {
  const root: Branch = { name: '', count: 0, children: new Map() };
  for (const item of items) {
    let branch = root;
    for (const name of item.categories) {
      let child = branch.children.get(name);
      if (!child) branch.children.set(name, (child = { name, count: 0, children: new Map() }));
      child.count++;
      branch = child;
    }
  }
  const sorted = (branches: Map<string, Branch>): CategoryNode[] =>
    [...branches.values()]
      .sort((a, b) => b.count - a.count)
      .map(({ name, count, children }) => ({ name, count, children: sorted(children) }));
  return sorted(root.children);
}
