import type { AttributeValue } from './items.js';

/** Personal data: stored only encrypted, erased on request. */
export interface PersonalData {
  email?: string;
  name?: string;
  phone?: string;
}

/** A shopper known to the shop (PRODUCT.md §2). */
export interface User {
  userId: string;
  /** Epoch milliseconds. */
  createdAt: number;
  attributes: Record<string, AttributeValue>;
  personal?: PersonalData;
}
