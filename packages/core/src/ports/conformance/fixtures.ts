import type { ShopEvent } from '../../domain/events.js';
import type { Item } from '../../domain/items.js';
import type { User } from '../../domain/users.js';

/** 2024-03-01T00:00:00Z: fixtures count from here so days and order are easy to read in failures. */
export const T0 = Date.UTC(2024, 2, 1);
export const DAY = 86_400_000;

/** Drops keys set to undefined, so `{ userId: undefined }` means "no user" as JSON would store it. */
const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** A view by user u1 by default; pass `userId: undefined` for an anonymous event. */
export const shopEvent = (eventId: string, fields: Partial<ShopEvent> = {}): ShopEvent =>
  defined({
    eventId,
    eventType: 'view',
    userId: 'u1',
    itemId: 'i1',
    timestamp: T0,
    receivedAt: T0 + 5,
    ...fields,
  });

/** An event carrying every optional field, to check adapters store them all. */
export const fullEvent = (eventId: string, timestamp = T0): ShopEvent => ({
  eventId,
  eventType: 'purchase',
  userId: 'u-full',
  sessionId: 's-full',
  itemId: 'i-full',
  quantity: 2,
  price: 199_000.5,
  orderId: 'o-1',
  recommendationId: 'r-1',
  query: 'áo dài đỏ',
  timestamp,
  receivedAt: timestamp + 12,
  context: { device: 'mobile', page: '/p/1', locale: 'vi-VN' },
});

export const item = (itemId: string, fields: Partial<Item> = {}): Item =>
  defined({
    itemId,
    title: `Item ${itemId}`,
    categories: ['Fashion', 'Dresses'],
    price: 350_000,
    currency: 'VND',
    createdAt: T0,
    available: true,
    attributes: { color: 'red', sizes: ['S', 'M'], organic: false, weight: 1.5 },
    ...fields,
  });

export const user = (userId: string, fields: Partial<User> = {}): User =>
  defined({
    userId,
    createdAt: T0,
    attributes: { segment: 'vip', locale: 'vi-VN' },
    ...fields,
  });
