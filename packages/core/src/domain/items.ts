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
