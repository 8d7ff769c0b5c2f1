import assert from 'node:assert/strict';
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { numItems, numUsers } from '../interactions.js';
import { parseCompleteJourney } from './complete-journey.js';
import { parseInteractionsCsv } from './interactions-csv.js';
import { parseUserSequences } from './sequences.js';
import { parseSessionDataset } from './sessions.js';

// The shared datasets sit beside the repository: from packages/core/dist/data/formats up to its parent.
const datasets = fileURLToPath(new URL('../../../../../../shared/datasets/', import.meta.url));
const path = (name: string) => datasets + name;
/** Skips a test (instead of failing it) on a machine without the shared datasets. */
const needs = (name: string) => ({ skip: existsSync(path(name)) ? false : `${path(name)} is not there` });

/** A file's lines, opened only when iteration starts (an early readline would run to its end unread). */
async function* lines(name: string): AsyncGenerator<string> {
  yield* createInterface({ input: createReadStream(path(name), { encoding: 'utf8' }), crlfDelay: Infinity });
}

test('Beauty: 22,363 users, 12,101 items, 198,502 interactions', needs('Beauty.txt'), async () => {
  const { data, quality } = await parseUserSequences(lines('Beauty.txt'));
  assert.deepEqual([numUsers(data), numItems(data), data.user.length], [22_363, 12_101, 198_502]);
  assert.deepEqual([quality.valid, quality.invalid], [22_363, 0]);
});

test(
  'RetailRocket sample: 10,080 views, 2,496 visitors, 5,566 items',
  needs('sample_retailrocket.csv'),
  async () => {
    const { data, quality } = await parseInteractionsCsv(lines('sample_retailrocket.csv'));
    assert.deepEqual([data.user.length, numUsers(data), numItems(data)], [10_080, 2_496, 5_566]);
    assert.deepEqual([quality.invalid, quality.passes], [0, true]);
    assert.equal(data.time[0], 1442004589000); // epoch seconds, read as ms
  },
);

test(
  'Diginetica (SR-GNN format): 186,670 sessions, 43,097 items, 60,858 test cases',
  needs('diginetica'),
  async () => {
    const { train, cases, quality } = await parseSessionDataset(
      lines('diginetica/train_sessions.txt'),
      lines('diginetica/test.tsv'),
    );
    assert.deepEqual([numUsers(train), train.user.length, numItems(train)], [186_670, 906_140, 43_097]);
    assert.equal(cases.length, 60_858);
    assert.equal(quality.invalid, 0);
  },
);

test(
  'Complete Journey: every product an item, every sold line a purchase of a known item',
  needs('completejourney'),
  async () => {
    let products = -1; // the header
    for await (const line of lines('completejourney/products.csv')) if (line.trim()) products++;
    const { items, events, quality } = await parseCompleteJourney(
      lines('completejourney/products.csv'),
      lines('completejourney/transactions_sample.csv'),
      { shiftTo: Date.UTC(2026, 0, 1) },
    );
    assert.equal(items.length, products);
    assert.equal(products, 92_331);
    // 75,000 lines: 195 sold nothing (quantity 0) and 222 name 5 coupon products missing from products.csv.
    assert.equal(events.length, 74_583);
    assert.deepEqual(
      quality.errors.map((e) => [e.reason, e.count]),
      [
        ['transactions: product_id not in products', 222],
        ['transactions: quantity is 0: nothing was sold', 195],
      ],
    );
    assert.ok(quality.passes);
    const ids = new Set(items.map((i) => i.itemId));
    assert.ok(events.every((e) => ids.has(e.itemId!)));
    assert.ok(items.every((i) => i.price > 0 && i.price % 500 === 0 && i.currency === 'VND'));
    assert.ok(items.every((i) => i.title && i.categories.length > 0));
    assert.equal(new Set(events.map((e) => e.eventId)).size, events.length);
    assert.equal(new Set(events.map((e) => e.userId)).size, 2_373);
    assert.equal(events.at(-1)!.timestamp, Date.UTC(2026, 0, 1)); // in time order, checked next
    assert.ok(events.every((e, k) => k === 0 || events[k - 1].timestamp <= e.timestamp));
  },
);
