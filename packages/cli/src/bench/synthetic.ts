import {
  EventCode,
  EVENT_TYPES,
  InteractionsBuilder,
  mulberry32,
  type Interactions,
  type Item,
} from '@gu/core';

export interface SyntheticShopOptions {
  items: number;
  users: number;
  /** Mean events per user (geometric). */
  eventsPerUser: number;
  categories: number;
  seed?: number;
  /** The newest event happens here (epoch ms). */
  now: number;
}

export interface SyntheticShop {
  items: Item[];
  interactions: Interactions;
}

/**
 * A shop with taste, for benchmarks at any scale: items in categories with Zipf popularity; each shopper keeps
 * to one or two favourite categories (90% of events) and mostly views, sometimes adds to cart or buys.
 */
export function syntheticShop(o: SyntheticShopOptions): SyntheticShop {
  const next = mulberry32(o.seed ?? 42);
  const perCategory = Math.ceil(o.items / o.categories);
  const items: Item[] = Array.from({ length: o.items }, (_, i) => ({
    itemId: `i${i}`,
    title: `Item ${i}`,
    categories: [`c${i % o.categories}`],
    price: 10_000 + Math.floor(next() * 500) * 1000,
    currency: 'VND',
    createdAt: o.now - 90 * 86_400_000,
    available: true,
    attributes: {},
  }));
  // Rank r within a category is drawn with probability ∝ 1/(r+1): a Zipf law, sampled by inverting its CDF.
  const zipfRank = (n: number) => Math.min(n - 1, Math.floor(Math.exp(next() * Math.log(n + 1)) - 1));
  const itemOf = (category: number, rank: number) => Math.min(o.items - 1, category + rank * o.categories);
  const builder = new InteractionsBuilder();
  for (const item of items) builder.items.intern(item.itemId);
  const span = 30 * 86_400_000;
  for (let u = 0; u < o.users; u++) {
    const favourites = [Math.floor(next() * o.categories), Math.floor(next() * o.categories)];
    const count = 1 + Math.floor(Math.log(1 - next()) / Math.log(1 - 1 / o.eventsPerUser));
    let t = o.now - span * next();
    for (let e = 0; e < count; e++) {
      const category = next() < 0.9 ? favourites[next() < 0.7 ? 0 : 1] : Math.floor(next() * o.categories);
      const item = itemOf(category, zipfRank(perCategory));
      const roll = next();
      const type = roll < 0.03 ? EventCode.purchase : roll < 0.12 ? EventCode.add_to_cart : EventCode.view;
      builder.add(`u${u}`, `i${item}`, (t += 60_000 * (1 + next() * 30)), type);
    }
  }
  return { items, interactions: builder.build() };
}

/** The shopper's events as API events (for the real-time state), newest last. */
export function eventsOf(d: Interactions, from: number, to: number, user: string) {
  const out = [];
  for (let r = from; r < to; r++)
    out.push({
      eventId: `syn-${r}`,
      eventType: EVENT_TYPES[d.type[r]],
      userId: user,
      itemId: d.itemIds[d.item[r]],
      timestamp: d.time[r],
      receivedAt: d.time[r],
    });
  return out;
}
