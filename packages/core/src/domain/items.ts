/** What recipes may know about an item beyond interactions: used for cold items, category filters and display. */
export interface ItemAttributes {
  /** Category path, root first. */
  categories: readonly string[];
  brand?: string;
  price?: number;
  available?: boolean;
  /** Epoch milliseconds. */
  createdAt?: number;
}

export type AttributeValue = string | number | boolean | string[];

/** A catalog item (PRODUCT.md §2). */
export interface Item {
  itemId: string;
  title: string;
  /** Root first. */
  categories: string[];
  price: number;
  /** ISO 4217. */
  currency: string;
  brand?: string;
  imageUrl?: string;
  /** Epoch milliseconds. */
  createdAt: number;
  available: boolean;
  attributes: Record<string, AttributeValue>;
}

export const attributesOf = (item: Item): ItemAttributes => ({
  categories: item.categories,
  brand: item.brand,
  price: item.price,
  available: item.available,
  createdAt: item.createdAt,
});
