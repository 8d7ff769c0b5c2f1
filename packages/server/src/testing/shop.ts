/**
 * A small synthetic shop for the server's tests, as API payloads: 42 items in three leaf categories with VND
 * prices, and 60 shoppers with clear tastes (each shops one category only), so what a recipe should say is
 * obvious: a shopper of shirts is shown shirts, a shopper of shoes is shown shoes.
 */

export interface ShopCategory {
  /** The leaf category (the last entry of an item's categories). */
  name: string;
  path: string[];
  prefix: string;
  minPrice: number;
  maxPrice: number;
  brands: string[];
}

/** Shirts (A), shoes (B) and kitchenware (C). */
export const CATEGORIES: readonly ShopCategory[] = [
  {
    name: 'ao-thun',
    path: ['thoi-trang', 'ao-thun'],
    prefix: 'ao',
    minPrice: 149_000,
    maxPrice: 449_000,
    brands: ['Coolmate', 'Routine', 'Yody'],
  },
  {
    name: 'giay-dep',
    path: ['thoi-trang', 'giay-dep'],
    prefix: 'giay',
    minPrice: 490_000,
    maxPrice: 1_890_000,
    brands: ['Biti’s', 'Ananas', 'Vascara'],
  },
  {
    name: 'do-bep',
    path: ['nha-cua', 'do-bep'],
    prefix: 'bep',
    minPrice: 89_000,
    maxPrice: 990_000,
    brands: ['Sunhouse', 'Lock&Lock', 'Kangaroo'],
  },
];

export const ITEMS_PER_CATEGORY = 14;
export const SHOPPERS = 60;

export interface ItemPayload {
  itemId: string;
  title: string;
  categories: string[];
  price: number;
  currency: string;
  brand: string;
  available: boolean;
  attributes: Record<string, string | number | boolean>;
}

export interface EventPayload {
  eventId: string;
  eventType: 'view' | 'add_to_cart' | 'purchase';
  userId: string;
  itemId: string;
  timestamp: number;
  orderId?: string;
  quantity?: number;
  price?: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The item ids of a category, cheapest first. */
export const itemIdsOf = (category: ShopCategory): string[] =>
  Array.from({ length: ITEMS_PER_CATEGORY }, (_, i) => `${category.prefix}-${pad(i + 1)}`);

/** The leaf category of one of the shop's item ids. */
export function categoryOf(itemId: string): string | undefined {
  return CATEGORIES.find((c) => itemId.startsWith(`${c.prefix}-`))?.name;
}

/** Prices rise through a category in round thousands of dong. */
const priceOf = (c: ShopCategory, i: number) =>
  Math.round((c.minPrice + ((c.maxPrice - c.minPrice) * i) / (ITEMS_PER_CATEGORY - 1)) / 1000) * 1000;

export function shopItems(): ItemPayload[] {
  return CATEGORIES.flatMap((c) =>
    itemIdsOf(c).map((itemId, i) => ({
      itemId,
      title: `${c.name} ${c.brands[i % c.brands.length]} mẫu ${i + 1}`,
      categories: [...c.path],
      price: priceOf(c, i),
      currency: 'VND',
      brand: c.brands[i % c.brands.length],
      available: true,
      attributes: { color: ['den', 'trang', 'xanh'][i % 3], sale: i % 4 === 0 },
    })),
  );
}

/** A small deterministic generator (mulberry32), so every run sees the same shop. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Shopper {
  userId: string;
  /** The leaf category this shopper buys in, and only in. */
  taste: string;
}

export const shoppers = (): Shopper[] =>
  Array.from({ length: SHOPPERS }, (_, i) => ({
    userId: `u-${String(i + 1).padStart(3, '0')}`,
    taste: CATEGORIES[i % CATEGORIES.length].name,
  }));

/**
 * The shop's history: every shopper views 6–9 items of their category (the first items of a category are
 * the best sellers), puts two in the cart and buys them in one order. Timestamps run over the two days
 * before `now`.
 */
export function shopEvents(now = Date.now()): EventPayload[] {
  const next = random(42);
  const events: EventPayload[] = [];
  const start = now - 2 * 86_400_000;
  for (const [s, shopper] of shoppers().entries()) {
    const category = CATEGORIES.find((c) => c.name === shopper.taste)!;
    const ids = itemIdsOf(category);
    // Skewed picks: low indices (best sellers) come up more often.
    const picked = new Set<string>();
    const want = 6 + Math.floor(next() * 4);
    while (picked.size < want) picked.add(ids[Math.floor(next() ** 1.6 * ids.length)]);
    let t = start + s * 60_000 * 30;
    let k = 0;
    const event = (eventType: EventPayload['eventType'], itemId: string, extra: Partial<EventPayload> = {}) =>
      events.push({
        eventId: `${shopper.userId}-e${++k}`,
        eventType,
        userId: shopper.userId,
        itemId,
        timestamp: (t += 60_000),
        ...extra,
      });
    for (const itemId of picked) event('view', itemId);
    const [first, second] = [...picked];
    const orderId = `o-${shopper.userId}`;
    const price = (id: string) => priceOf(category, ids.indexOf(id));
    event('add_to_cart', first, { quantity: 1 });
    event('add_to_cart', second, { quantity: 1 });
    event('purchase', first, { orderId, quantity: 1, price: price(first) });
    event('purchase', second, { orderId, quantity: 1, price: price(second) });
  }
  return events;
}

/** Splits a list into batches of at most size (the API takes 1–500 events per request). */
export function batches<T>(list: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
