import type { EventType } from '../domain/events.js';
import { memoryStores, type Stores } from '../ports/stores.js';
import { Gu, type GuOptions } from './gu.js';
import type { TrainingOptions } from './training.js';

/**
 * A tiny synthetic shop for service tests. Two tribes with clear taste: tribe A (even shoppers) browses the
 * shoes a0–a9, tribe B (odd shoppers) the kitchen items b0–b9, each walking forward through its block
 * (i → i+1 → …) and then buying in one order. a10 and b10 are catalog items nobody touched.
 */

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
/** When the fixture's history starts. */
export const T0 = Date.UTC(2026, 0, 1);
/** "Now" for the shop: a few days after the history. */
export const NOW = Date.UTC(2026, 0, 5);

export const TRIBE_A = Array.from({ length: 10 }, (_, k) => `a${k}`);
export const TRIBE_B = Array.from({ length: 10 }, (_, k) => `b${k}`);
export const tribeOf = (itemId: string): 'A' | 'B' => (itemId.startsWith('a') ? 'A' : 'B');

/** Raw item inputs as the API receives them. */
export function shopItems(): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  for (let k = 0; k <= 10; k++) {
    items.push({
      itemId: `a${k}`,
      title: `Shoe ${k}`,
      categories: ['Fashion', 'Shoes'],
      brand: k % 2 ? 'Alpha' : 'Apex',
      price: 100_000 * (k + 1),
      createdAt: T0 - 30 * DAY,
      attributes: { color: k % 2 ? 'red' : 'blue' },
    });
    items.push({
      itemId: `b${k}`,
      title: `Pan ${k}`,
      categories: ['Home', 'Kitchen'],
      brand: k % 2 ? 'Beta' : 'Bold',
      price: 50_000 * (k + 1),
      createdAt: T0 - 30 * DAY,
      attributes: { color: k % 2 ? 'red' : 'blue' },
    });
  }
  return items;
}

export interface RawEvent {
  eventId: string;
  eventType: EventType;
  userId?: string;
  sessionId?: string;
  itemId?: string;
  orderId?: string;
  quantity?: number;
  price?: number;
  recommendationId?: string;
  query?: string;
  timestamp: number | string;
}

/**
 * The history of shopper u (0-based): 6 views walking through the tribe's block from (3u mod 10), then the
 * next item put in the cart and bought together with the one two steps further (one order, unseen before).
 */
export function shopperEvents(u: number): RawEvent[] {
  const prefix = u % 2 === 0 ? 'a' : 'b';
  const start = (u * 3) % 10;
  const userId = `u${u}`;
  let t = T0 + u * HOUR;
  const events: RawEvent[] = [];
  for (let s = 0; s < 6; s++)
    events.push({
      eventId: `e-${userId}-v${s}`,
      eventType: 'view',
      userId,
      itemId: `${prefix}${(start + s) % 10}`,
      timestamp: (t += 60_000),
    });
  const [cart, other] = [`${prefix}${(start + 6) % 10}`, `${prefix}${(start + 8) % 10}`];
  events.push({
    eventId: `e-${userId}-c`,
    eventType: 'add_to_cart',
    userId,
    itemId: cart,
    timestamp: (t += 60_000),
  });
  for (const [k, itemId] of [cart, other].entries())
    events.push({
      eventId: `e-${userId}-p${k}`,
      eventType: 'purchase',
      userId,
      itemId,
      orderId: `o-${userId}`,
      timestamp: (t += 60_000),
    });
  return events;
}

export const shopEvents = (shoppers = 40): RawEvent[] =>
  Array.from({ length: shoppers }, (_, u) => shopperEvents(u)).flat();

/** A clock the tests move by hand. */
export interface Clock {
  now: number;
}

export interface Shop {
  gu: Gu;
  stores: Stores;
  clock: Clock;
}

/** Fast, deterministic training for tests: one thread, a small ALS. */
export const FAST_TRAINING: Partial<TrainingOptions> = {
  threads: 1,
  params: {
    'user-personalization': { factors: 8, iterations: 4 },
    'personalized-ranking': { factors: 8, iterations: 4 },
  },
};

/** Opens Gu on memory stores with the shop's catalog and (optionally) its history ingested and processed. */
export async function openShop(
  o: { shoppers?: number; stores?: Stores; options?: GuOptions; history?: boolean } = {},
): Promise<Shop> {
  const stores = o.stores ?? memoryStores();
  const clock: Clock = { now: NOW };
  // A generous deadline: the first requests run cold code, and a fallback would make tests flaky.
  const gu = await Gu.open(stores, { now: () => clock.now, deadlineMs: 10_000, ...o.options });
  await gu.putItems(shopItems());
  if (o.history ?? true) {
    const events = shopEvents(o.shoppers ?? 40);
    for (let i = 0; i < events.length; i += 500) await gu.ingest(events.slice(i, i + 500));
    await gu.processor.wake();
  }
  return { gu, stores, clock };
}

/** openShop, then train every default recipe and promote them. */
export async function trainedShop(o: Parameters<typeof openShop>[0] = {}): Promise<Shop> {
  const shop = await openShop(o);
  await shop.gu.train(FAST_TRAINING);
  return shop;
}

/** Serial event ids for events a test adds. */
let serial = 0;
export const eventId = (): string => `t-${++serial}`;
