import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCompleteJourney } from './complete-journey.js';

async function* linesOf(...lines: string[]) {
  yield* lines;
}

const PRODUCTS = [
  'product_id,manufacturer_id,department,brand,product_category,product_type,package_size',
  '25671,2,GROCERY,National,FRZN ICE,ICE - CRUSHED/CUBED,22 LB', // line 2
  '26081,2,MISCELLANEOUS,National,,,',
  '26190,69,GROCERY,Private,FRUIT - SHELF STABLE,APPLE SAUCE,50 OZ',
  '26191,69,GROCERY,Private,FRUIT - SHELF STABLE,APPLE SAUCE,24 OZ',
  '26192,69,GROCERY,National,FRUIT - SHELF STABLE,PEACHES,15 OZ',
  '26193,69,GROCERY,National,FRUIT - SHELF STABLE,PEARS,',
  '903895,373,COSMETICS,National,MAKEUP AND TREATMENT,MAYBELLINE,',
  '2186716,410,GROCERY,National,CRACKERS/MISC BKD FD,CHEESE CRACKERS (CHEEZ-ITS/GOL,13.5 OZ',
  '68862,317,GROCERY,National,CHEESE,SHREDDED CHEESE,AB    8 OZ', // line 10
  ',1,GROCERY,National,BAKING,FLOUR,5 LB',
  '26190,69,GROCERY,Private,FRUIT - SHELF STABLE,APPLE SAUCE,50 OZ',
];

const TRANSACTIONS = [
  'household_id,store_id,basket_id,product_id,quantity,sales_value,retail_disc,coupon_disc,coupon_match_disc,week,transaction_timestamp',
  '1,309,B1,25671,1,1.20,0.30,0,0,1,2017-01-01 10:00:00', // line 2: shelf 1.50 USD
  '1,309,B1,26190,2,4.00,1.00,0,0,1,2017-01-01 10:00:00', // shelf 2.50 a unit, paid 2.00
  '2,310,B2,26190,1,2.00,0,0.50,0.50,1,2017-01-02 09:30:00', // the manufacturer's coupon is in sales_value
  '2,310,B2,25671,0,0,0,0,0,1,2017-01-02 09:30:00',
  '2,310,B2,999,1,1.00,0,0,0,1,2017-01-02 09:30:00',
  '2,310,B2,68862,1,0,0,0,0,1,2017-01-02 09:31:00', // a giveaway: no shelf price
  '3,311,B3,2186716,1,3.32,0,0,0,2,2017-01-08 12:00:00',
  '3,311,B3,2186716,1,3.32,0,0,0,2,2017-01-08 12:05:00', // the basket repeats the product
  '4,311,B4,903895,1,abc,0,0,0,2,2017-01-09 12:00:00', // line 10
  '4,311,B4,903895,1.5,6.00,0,0,0,2,2017-01-09 12:00:00',
  '4,311,B4,903895,1,6.00,0,0,0,2,last tuesday',
  '5,312,B5,903895,1,6.00,1.00,0,0,3,2017-01-15 18:00:00', // the newest line
  '5,312,B5,26193,1,1.00,0,0,0,3,2017-01-15 17:59:00',
];

const SHIFT_TO = Date.UTC(2026, 10, 25);
const at = (iso: string) => Date.parse(`${iso}Z`) + SHIFT_TO - Date.parse('2017-01-15T18:00:00Z');

test('products become VND-priced items with readable titles and category paths', async () => {
  const { items } = await parseCompleteJourney(linesOf(...PRODUCTS), linesOf(...TRANSACTIONS), {
    shiftTo: SHIFT_TO,
  });
  const byId = new Map(items.map((i) => [i.itemId, i]));
  assert.deepEqual(
    items.map((i) => i.itemId),
    ['25671', '26081', '26190', '26191', '26192', '26193', '903895', '2186716', '68862'],
  );
  assert.deepEqual(byId.get('25671'), {
    itemId: '25671',
    title: 'Ice - Crushed/Cubed, 22 Lb',
    brand: 'National',
    categories: ['Grocery', 'Frozen Ice', 'Ice - Crushed/Cubed'],
    price: 37_500, // (1.20 + 0.30) × 25,000
    currency: 'VND',
    createdAt: at('2017-01-01T10:00:00'),
    available: true,
    attributes: { manufacturerId: '2', packageSize: '22 Lb' },
  });
  const summary = (id: string) => {
    const i = byId.get(id)!;
    return [i.title, i.categories.join(' › '), i.brand, i.price];
  };
  assert.deepEqual(summary('26190'), [
    'Apple Sauce, 50 Oz',
    'Grocery › Fruit - Shelf Stable › Apple Sauce',
    'Private',
    62_500, // mean of 2.50 and 2.00 + 0.50 coupon match
  ]);
  assert.deepEqual(summary('2186716'), [
    'Cheese Crackers, 13.5 Oz', // the source cut "(CHEEZ-ITS/GOL…" at 30 characters
    'Grocery › Crackers/Misc Baked Food › Cheese Crackers',
    'National',
    83_000,
  ]);
  assert.deepEqual(summary('903895'), [
    'Maybelline Makeup and Treatment',
    'Cosmetics › Makeup and Treatment › Maybelline',
    'Maybelline', // the type names the maker: better than "National"
    175_000,
  ]);
  assert.deepEqual(summary('26193'), ['Pears', 'Grocery › Fruit - Shelf Stable › Pears', 'National', 25_000]);
  // Never sold (or only given away): the median of the deepest priced level of the path.
  assert.deepEqual(summary('26191'), [
    'Apple Sauce, 24 Oz',
    'Grocery › Fruit - Shelf Stable › Apple Sauce',
    'Private',
    62_500, // type: the one priced apple sauce
  ]);
  assert.equal(byId.get('26192')!.price, 44_000); // category: median of 62,500 and 25,000, to 500
  assert.equal(byId.get('68862')!.price, 50_000); // department: median of 25,000 37,500 62,500 83,000
  assert.deepEqual(summary('26081'), ['Miscellaneous Item', 'Miscellaneous', 'National', 62_500]); // all
  assert.deepEqual(byId.get('68862')!.attributes, { manufacturerId: '317', packageSize: '8 Oz' });
  assert.equal(byId.get('68862')!.title, 'Shredded Cheese, 8 Oz');
  assert.equal(byId.get('68862')!.createdAt, at('2017-01-02T09:31:00')); // its first (free) sale
  assert.equal(byId.get('26191')!.createdAt, at('2017-01-01T10:00:00')); // never sold: the earliest time
  assert.ok(items.every((i) => i.price > 0 && i.price % 500 === 0 && i.available && i.currency === 'VND'));
});

test('transaction lines become purchases in time order, shifted so the newest lands on shiftTo', async () => {
  const { events } = await parseCompleteJourney(linesOf(...PRODUCTS), linesOf(...TRANSACTIONS), {
    shiftTo: SHIFT_TO,
  });
  const purchase = (
    id: string,
    user: string,
    item: string,
    quantity: number,
    price: number,
    iso: string,
  ) => ({
    eventId: id,
    eventType: 'purchase',
    userId: user,
    itemId: item,
    quantity,
    price,
    orderId: id.split('-')[1],
    timestamp: at(iso),
    receivedAt: at(iso),
    context: { device: 'store' },
  });
  assert.deepEqual(events, [
    purchase('cj-B1-25671', 'hh1', '25671', 1, 30_000, '2017-01-01T10:00:00'),
    purchase('cj-B1-26190', 'hh1', '26190', 2, 50_000, '2017-01-01T10:00:00'),
    purchase('cj-B2-26190', 'hh2', '26190', 1, 50_000, '2017-01-02T09:30:00'),
    purchase('cj-B2-68862', 'hh2', '68862', 1, 0, '2017-01-02T09:31:00'),
    purchase('cj-B3-2186716', 'hh3', '2186716', 1, 83_000, '2017-01-08T12:00:00'),
    purchase('cj-B3-2186716-2', 'hh3', '2186716', 1, 83_000, '2017-01-08T12:05:00'),
    purchase('cj-B5-26193', 'hh5', '26193', 1, 25_000, '2017-01-15T17:59:00'),
    purchase('cj-B5-903895', 'hh5', '903895', 1, 150_000, '2017-01-15T18:00:00'),
  ]);
  assert.equal(events.at(-1)!.timestamp, SHIFT_TO);
});

test('bad rows of either file are counted with a reason naming the file, never thrown', async () => {
  const { quality } = await parseCompleteJourney(linesOf(...PRODUCTS), linesOf(...TRANSACTIONS));
  assert.deepEqual(
    [quality.rows, quality.valid, quality.invalid, quality.passes],
    [11 + 13, 9 + 8, 2 + 5, false],
  );
  assert.deepEqual(quality.errors, [
    { reason: 'products: empty product_id', count: 1, firstLine: 11 },
    { reason: 'products: duplicate product_id', count: 1, firstLine: 12 },
    { reason: 'transactions: quantity is 0: nothing was sold', count: 1, firstLine: 5 },
    { reason: 'transactions: product_id not in products', count: 1, firstLine: 6 },
    { reason: 'transactions: sales_value is not a number ≥ 0', count: 1, firstLine: 10 },
    { reason: 'transactions: quantity is not a whole number ≥ 1', count: 1, firstLine: 11 },
    { reason: 'transactions: transaction_timestamp is not a date', count: 1, firstLine: 12 },
  ]);
});

test('without shiftTo times stay as recorded (UTC); usdToVnd sets the rate; negative discounts read as positive', async () => {
  const { items, events } = await parseCompleteJourney(
    linesOf(PRODUCTS[0], PRODUCTS[1]),
    linesOf(TRANSACTIONS[0], '1,309,B1,25671,3,3.60,-0.90,0,0,1,2017-01-01 10:00:00'),
    { usdToVnd: 20_000 },
  );
  assert.equal(items[0].price, 30_000); // (3.60 + 0.90) / 3 × 20,000
  assert.equal(items[0].createdAt, Date.UTC(2017, 0, 1, 10));
  assert.deepEqual(
    [events[0].timestamp, events[0].price, events[0].quantity],
    [Date.UTC(2017, 0, 1, 10), 24_000, 3],
  );
});

test('products with neither category nor type, and source abbreviations, still read as names', async () => {
  const { items } = await parseCompleteJourney(
    linesOf(
      PRODUCTS[0],
      '1,1,DRUG GM,National,MAGAZINE,CHILDREN S ACTIVITY,',
      '2,1,GROCERY,National,REFRGRATD JUICES/DRNKS,DAIRY CASE TEA WITH SUGAR OR S,64 OZ',
      '3,1,MEAT-PCKGD,National,LUNCHMEAT,MISC,12 OZ',
      '4,1,PRODUCE,Private,,,PER LB',
    ),
    linesOf(TRANSACTIONS[0]),
  );
  assert.deepEqual(
    items.map((i) => [i.title, i.categories]),
    [
      ["Children's Activity", ['Drug & General Merchandise', 'Magazine', "Children's Activity"]],
      [
        'Dairy Case Tea with Sugar, 64 Oz',
        ['Grocery', 'Refrigerated Juices/Drinks', 'Dairy Case Tea with Sugar'],
      ],
      ['Lunchmeat, 12 Oz', ['Packaged Meat', 'Lunchmeat', 'Misc']],
      ['Produce Item, Per Lb', ['Produce']],
    ],
  );
  assert.ok(
    items.every((i) => i.price === 0),
    'nothing was sold, so there is no price to borrow',
  );
});

test('a file without the needed header columns is an error', async () => {
  await assert.rejects(
    parseCompleteJourney(linesOf('id,name'), linesOf(TRANSACTIONS[0])),
    /products header must name product_id/,
  );
  await assert.rejects(
    parseCompleteJourney(linesOf(...PRODUCTS), linesOf('household_id,basket_id,product_id')),
    /transactions header must name quantity, sales_value, transaction_timestamp/,
  );
  await assert.rejects(parseCompleteJourney(linesOf(...PRODUCTS), linesOf()), /transactions is empty/);
});
