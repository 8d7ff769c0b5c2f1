import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventCode } from '../../domain/events.js';
import {
  columnOf,
  columnsOf,
  detectDelimiter,
  parseEventType,
  parseTimestamp,
  splitDelimited,
} from './fields.js';

const T = Date.UTC(2017, 0, 28, 19, 6, 53); // 1485630413000

test('timestamps: epoch seconds, epoch ms and ISO-8601 all become epoch ms', () => {
  assert.equal(parseTimestamp('1485630413'), T);
  assert.equal(parseTimestamp('1485630413000'), T);
  assert.equal(parseTimestamp('1485630413.5'), T + 500);
  assert.equal(parseTimestamp(1485630413), T);
  assert.equal(parseTimestamp(1485630413000), T);
  assert.equal(parseTimestamp('2017-01-28T19:06:53Z'), T);
  assert.equal(parseTimestamp('2017-01-28T19:06:53.250Z'), T + 250);
  assert.equal(parseTimestamp('2017-01-29T02:06:53+07:00'), T);
  assert.equal(parseTimestamp('2017-01-29T02:06:53+0700'), T);
  assert.equal(parseTimestamp('2017-01-28'), Date.UTC(2017, 0, 28));
});

test('a date-time without an offset is UTC, whatever the machine’s time zone', () => {
  assert.equal(parseTimestamp('2017-01-28 19:06:53'), T);
  assert.equal(parseTimestamp('2017-01-28T19:06:53'), T);
  assert.equal(parseTimestamp('  2017-01-28 19:06:53 '), T);
  assert.equal(parseTimestamp('2017-01-28 19:06'), T - 53_000);
});

test('anything else is NaN', () => {
  for (const bad of ['', 'yesterday', '28/01/2017', '2017-13-45', '1e12', '-5', 'NaN'])
    assert.ok(Number.isNaN(parseTimestamp(bad)), bad);
});

test('event types: our names, other shops’ names, empty as a view, unknown as -1', () => {
  assert.equal(parseEventType('purchase'), EventCode.purchase);
  assert.equal(parseEventType(' Add_To_Cart '), EventCode.add_to_cart);
  assert.equal(parseEventType('addtocart'), EventCode.add_to_cart);
  assert.equal(parseEventType('add-to-cart'), EventCode.add_to_cart);
  assert.equal(parseEventType('Add To Cart'), EventCode.add_to_cart);
  assert.equal(parseEventType('transaction'), EventCode.purchase);
  assert.equal(parseEventType('remove-from-cart'), EventCode.remove_from_cart);
  assert.equal(parseEventType('click'), EventCode.recommendation_click);
  assert.equal(parseEventType('impression'), EventCode.recommendation_impression);
  assert.equal(parseEventType('search'), EventCode.search);
  assert.equal(parseEventType(''), EventCode.view);
  assert.equal(parseEventType(undefined), EventCode.view);
  assert.equal(parseEventType('pageview'), -1);
  assert.equal(parseEventType('refund'), -1);
});

test('splitDelimited honours double quotes, doubled quotes and any delimiter', () => {
  assert.deepEqual(splitDelimited('a,b,,c', ','), ['a', 'b', '', 'c']);
  assert.deepEqual(splitDelimited('"a, b",c', ','), ['a, b', 'c']);
  assert.deepEqual(splitDelimited('"say ""hi""",2', ','), ['say "hi"', '2']);
  assert.deepEqual(splitDelimited('"x;y";z', ';'), ['x;y', 'z']);
  assert.deepEqual(splitDelimited('a\t"b\tc"', '\t'), ['a', 'b\tc']);
  assert.deepEqual(splitDelimited('"",x', ','), ['', 'x']);
});

test('the delimiter is read from the header: tab, else semicolon without commas, else comma', () => {
  assert.equal(detectDelimiter('user_id\titem_id\ttimestamp'), '\t');
  assert.equal(detectDelimiter('user_id;item_id;timestamp'), ';');
  assert.equal(detectDelimiter('user_id,item_id,"a;b"'), ',');
  assert.equal(detectDelimiter('user_id'), ',');
});

test('columns are found by their first matching name, case and spaces ignored', () => {
  const header = [' Item_ID', 'visitorid', 'USER_ID', 'ts'];
  assert.equal(columnOf(header, ['user_id', 'visitorid']), 2);
  assert.equal(columnOf(header, ['visitorid', 'user_id']), 1);
  assert.deepEqual(columnsOf(header, { item: ['item_id'], time: ['timestamp', 'time'] }), {
    item: 0,
    time: -1,
  });
});
