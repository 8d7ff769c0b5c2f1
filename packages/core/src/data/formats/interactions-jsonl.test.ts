import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventCode } from '../../domain/events.js';
import type { Interactions } from '../interactions.js';
import { parseInteractionRecords, parseInteractionsJsonl, Unreadable } from './interactions-jsonl.js';

async function* linesOf(...lines: string[]) {
  yield* lines;
}

const rows = (d: Interactions) =>
  Array.from(d.user, (u, r) => [d.userIds[u], d.itemIds[d.item[r]], d.time[r], d.type[r], d.basket[r]]);

const T = Date.UTC(2017, 0, 28, 19, 6, 53);

test('events in the API’s shape, snake_case names too; a session stands in for a missing user', async () => {
  const { data, quality } = await parseInteractionsJsonl(
    linesOf(
      '{"userId":"u1","itemId":"i1","timestamp":"2017-01-28T19:06:53Z","eventType":"purchase","orderId":"o1"}',
      '{"user_id":"u1","item_id":"i2","timestamp":1485630414,"event_type":"add_to_cart"}',
      '',
      '{"sessionId":"s9","itemId":"i1","timestamp":1485630413000}',
      '{"userId":7,"itemId":42,"timestamp":"2017-01-28 19:06:53","eventType":"transaction","order_id":"o2"}',
    ),
  );
  assert.deepEqual(rows(data), [
    ['u1', 'i1', T, EventCode.purchase, 0],
    ['u1', 'i2', T + 1000, EventCode.add_to_cart, -1],
    ['s9', 'i1', T, EventCode.view, -1],
    ['7', '42', T, EventCode.purchase, 1],
  ]);
  assert.deepEqual([quality.rows, quality.valid], [4, 4]);
});

test('malformed lines are rejected with reasons, never thrown', async () => {
  const { data, quality } = await parseInteractionsJsonl(
    linesOf(
      '{"userId":"u","itemId":"i","timestamp":1485630413}',
      '{"userId":"u",',
      '[1,2]',
      'null',
      '{"itemId":"i","timestamp":1485630413}',
      '{"userId":"u","timestamp":1485630413}',
      '{"userId":"u","itemId":"i","timestamp":"soon"}',
      '{"userId":"u","itemId":"i","timestamp":true}',
      '{"userId":"u","itemId":"i","timestamp":{"at":1}}',
      '{"userId":"u","itemId":"i","timestamp":1485630413,"eventType":"pageview"}',
      '{"userId":"u","itemId":"i","timestamp":1485630413,"eventType":7}',
    ),
  );
  assert.equal(data.user.length, 1);
  assert.deepEqual(quality.errors, [
    { reason: 'timestamp is not epoch seconds, epoch ms or ISO-8601', count: 3, firstLine: 7 },
    { reason: 'not a JSON object', count: 2, firstLine: 3 },
    { reason: 'not valid JSON', count: 1, firstLine: 2 },
    { reason: 'neither userId nor sessionId', count: 1, firstLine: 5 },
    { reason: 'no itemId', count: 1, firstLine: 6 },
    { reason: 'unknown eventType "pageview"', count: 1, firstLine: 10 },
    { reason: 'unknown eventType 7', count: 1, firstLine: 11 },
  ]);
  assert.equal(quality.invalid, 10);
});

test('records read from a columnar file: 64-bit integers and dates as their values', async () => {
  async function* records() {
    yield { user_id: 12n, item_id: 'i1', timestamp: new Date(T), event_type: 'view' };
    yield { userId: 'u2', itemId: 99n, timestamp: BigInt(T / 1000), eventType: 'purchase', orderId: 5n };
    yield new Unreadable('row group 2 could not be decoded');
    yield { userId: 'u3', itemId: 'i1', timestamp: new Date(Number.NaN) };
  }
  const { data, quality } = await parseInteractionRecords(records());
  assert.deepEqual(rows(data), [
    ['12', 'i1', T, EventCode.view, -1],
    ['u2', '99', T, EventCode.purchase, 0],
  ]);
  assert.deepEqual(quality.errors, [
    { reason: 'row group 2 could not be decoded', count: 1, firstLine: 3 },
    { reason: 'timestamp is not epoch seconds, epoch ms or ISO-8601', count: 1, firstLine: 4 },
  ]);
});
