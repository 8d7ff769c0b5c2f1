// Builds e2e/shop-fixture.json, the small shop the browser test seeds: the best-selling products of a few
// categories of the Complete Journey data (the demo shop's data, read by the core's own reader) and every
// basket line of those products. Training on the whole 92k catalog takes minutes; this takes a second.
//
//   node packages/web/e2e/make-fixture.mjs [../shared/datasets/completejourney]
import { createReadStream, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { parseCompleteJourney } from '@gu/core';

const dir = process.argv[2] ?? join(import.meta.dirname, '../../../../shared/datasets/completejourney');
/** Categories (second level of the path) and how many of their best sellers the fixture keeps. */
const CATEGORIES = [
  'Fluid Milk Products',
  'Baked Bread/Buns/Rolls',
  'Bag Snacks',
  'Candy - Checklane',
  'Cold Cereal',
  'Frozen Pizza',
];
const PER_CATEGORY = 50;
const SESSIONS = 600;

async function* lines(path) {
  yield* createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
}

const { items, events } = await parseCompleteJourney(
  lines(join(dir, 'products.csv')),
  lines(join(dir, 'transactions_sample.csv')),
);
const sales = new Map();
for (const e of events) sales.set(e.itemId, (sales.get(e.itemId) ?? 0) + 1);
const chosen = CATEGORIES.flatMap((category) =>
  items
    .filter((i) => i.categories[1] === category && sales.has(i.itemId))
    .sort((a, b) => sales.get(b.itemId) - sales.get(a.itemId) || a.itemId.localeCompare(b.itemId))
    .slice(0, PER_CATEGORY),
);
const kept = new Set(chosen.map((i) => i.itemId));
const history = events.filter((e) => kept.has(e.itemId));
const newest = Math.max(...history.map((e) => e.timestamp));

// mulberry32: a small seeded generator, so that the same data gives the same file.
let seed = 20_261_125;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
/** Picks from a list with probability proportional to weight. */
const pick = (list, weight) => {
  let r = random() * list.reduce((sum, x) => sum + weight(x), 0);
  for (const x of list) if ((r -= weight(x)) <= 0) return x;
  return list[list.length - 1];
};
const byCategory = CATEGORIES.map((category) => chosen.filter((i) => i.categories[1] === category));
const views = [];
for (let s = 0; s < SESSIONS; s++) {
  const shelf = pick(byCategory, (list) => list.reduce((n, i) => n + sales.get(i.itemId), 0));
  const start = Math.floor(random() * 14 * 24 * 60); // within the two weeks before the newest basket
  const length = 3 + Math.floor(random() * 4);
  for (let k = 0; k < length; k++)
    views.push([`fx-s${s}`, pick(shelf, (i) => Math.sqrt(sales.get(i.itemId))).itemId, start - k]);
}
const fixture = {
  source: 'Complete Journey (84.51°, CC0), via parseCompleteJourney; made by e2e/make-fixture.mjs',
  items: chosen.map(({ itemId, title, brand, categories, price, attributes }) => ({
    itemId,
    title,
    ...(brand ? { brand } : {}),
    categories,
    price,
    attributes,
  })),
  // [userId, orderId, itemId, quantity, unit price (VND), minutes before the newest basket]
  purchases: history.map((e) => [
    e.userId,
    e.orderId,
    e.itemId,
    e.quantity,
    e.price,
    Math.round((newest - e.timestamp) / 60_000),
  ]),
  // [sessionId, itemId, minutes before the newest basket]
  views,
};
const out = join(import.meta.dirname, 'shop-fixture.json');
writeFileSync(out, JSON.stringify(fixture) + '\n');
console.log(
  `${out}: ${fixture.items.length} items, ${fixture.purchases.length} purchase lines, ${views.length} views`,
);
