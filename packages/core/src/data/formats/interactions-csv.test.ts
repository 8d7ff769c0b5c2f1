import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventCode } from '../../domain/events.js';
import type { Interactions } from '../interactions.js';
import { parseInteractionsCsv } from './interactions-csv.js';

async function* linesOf(...lines: string[]) {
  yield* lines;
}

/** Rows as readable tuples: [user, item, time, event code, basket id or '']. */
const rows = (d: Interactions) =>
  Array.from(d.user, (u, r) => [d.userIds[u], d.itemIds[d.item[r]], d.time[r], d.type[r], d.basket[r]]);

const T = Date.UTC(2017, 0, 28, 19, 6, 53);

test('the CSV contract: user_id, item_id, timestamp and an optional event_type defaulting to view', async () => {
  const { data, quality } = await parseInteractionsCsv(
    linesOf(
      'user_id,item_id,timestamp,event_type',
      'u1,i1,1485630413,view',
      'u1,i2,1485630414000,purchase',
      'u2,i1,2017-01-28T19:06:53Z,',
      'u2,i3,2017-01-28 19:06:54,add_to_cart',
    ),
  );
  assert.deepEqual(rows(data), [
    ['u1', 'i1', T, EventCode.view, -1],
    ['u1', 'i2', T + 1000, EventCode.purchase, -1],
    ['u2', 'i1', T, EventCode.view, -1],
    ['u2', 'i3', T + 1000, EventCode.add_to_cart, -1],
  ]);
  assert.deepEqual(quality, { rows: 4, valid: 4, invalid: 0, validShare: 1, passes: true, errors: [] });
});

test('RetailRocket’s header names and event names are understood, baskets included', async () => {
  const { data } = await parseInteractionsCsv(
    linesOf(
      'timestamp,visitorid,event,itemid,transactionid',
      '1433221332117,257597,view,355908,',
      '1433224214164,257597,addtocart,248676,',
      '1433223236124,257597,transaction,248676,4000',
    ),
  );
  assert.deepEqual(rows(data), [
    ['257597', '355908', 1433221332117, EventCode.view, -1],
    ['257597', '248676', 1433223236124, EventCode.purchase, 0],
    ['257597', '248676', 1433224214164, EventCode.add_to_cart, -1],
  ]);
});

test('tab- and semicolon-separated files, quoted fields, CRLF and a byte-order mark', async () => {
  const tab = await parseInteractionsCsv(linesOf('user_id\titem_id\ttimestamp', 'u\t"a, b"\t1485630413'));
  assert.deepEqual(rows(tab.data), [['u', 'a, b', T, EventCode.view, -1]]);
  const semi = await parseInteractionsCsv(
    linesOf('\uFEFF"user_id";"item_id";"timestamp";"order_id"', '"u;1";i;1485630413;"o 1"\r', ''),
  );
  assert.deepEqual(rows(semi.data), [['u;1', 'i', T, EventCode.view, 0]]);
  assert.equal(semi.quality.rows, 1);
});

test('bad rows are rejected one by one with their reason and first line', async () => {
  const { data, quality } = await parseInteractionsCsv(
    linesOf(
      'user_id,item_id,timestamp,event_type',
      'u1,i1,1485630413,view',
      'u1,i2,yesterday,view',
      ',i3,1485630413,view',
      'u1,,1485630413,view',
      'u1,i4,1485630413,pageview',
      'u1,i5,1485630413,refund',
      'u1,i6',
      'u1,i7,1485630413,pageview',
    ),
  );
  assert.deepEqual(rows(data), [['u1', 'i1', T, EventCode.view, -1]]);
  assert.deepEqual(quality.errors, [
    { reason: 'unknown event_type "pageview"', count: 2, firstLine: 6 },
    { reason: 'timestamp is not epoch seconds, epoch ms or ISO-8601', count: 1, firstLine: 3 },
    { reason: 'empty user_id', count: 1, firstLine: 4 },
    { reason: 'empty item_id', count: 1, firstLine: 5 },
    { reason: 'unknown event_type "refund"', count: 1, firstLine: 7 },
    { reason: 'expected 4 columns, found 2', count: 1, firstLine: 8 },
  ]);
  assert.equal(quality.invalid, 7);
  assert.equal(quality.passes, false);
});

test('the quality gate passes at 95% valid rows and fails below', async () => {
  const file = (bad: number) => {
    const lines = ['user_id,item_id,timestamp'];
    for (let i = 0; i < 100; i++) lines.push(i < bad ? `u${i},i,never` : `u${i},i,${1485630413 + i}`);
    return linesOf(...lines);
  };
  const atGate = (await parseInteractionsCsv(file(5))).quality;
  assert.deepEqual([atGate.valid, atGate.validShare, atGate.passes], [95, 0.95, true]);
  const below = (await parseInteractionsCsv(file(6))).quality;
  assert.deepEqual([below.valid, below.validShare, below.passes], [94, 0.94, false]);
});

test('a header without the required columns, or no header at all, is an error', async () => {
  await assert.rejects(
    parseInteractionsCsv(linesOf('user,item_id,when', 'u,i,1')),
    /CSV header must name user_id, timestamp \(found: user, item_id, when\)/,
  );
  await assert.rejects(parseInteractionsCsv(linesOf('', '  ')), /the file is empty/);
});
