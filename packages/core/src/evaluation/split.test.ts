import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventCode } from '../domain/events.js';
import { InteractionsBuilder } from '../data/interactions.js';
import { leaveLastOut, temporalSplit } from './split.js';

const DAY = 86_400_000;

function fixture() {
  const b = new InteractionsBuilder();
  ['a', 'b', 'c', 'd'].forEach((item, t) => b.add('u1', item, t * DAY));
  b.add('u2', 'a', 0);
  b.add('u2', 'b', 5 * DAY);
  b.add('u2', 'a', 6 * DAY); // a repeat: excluded as a target by default
  b.add('u3', 'x', 9 * DAY); // only after the cut-off: a cold user
  b.add('u1', 'e', 9 * DAY, EventCode.remove_from_cart);
  return b.build();
}
const ids = (d: ReturnType<typeof fixture>, items: Int32Array) => Array.from(items, (i) => d.itemIds[i]);

test('leave-last-out holds out each user’s last event', () => {
  const d = fixture();
  const { train, cases, info } = leaveLastOut(d, { excludeSeen: false });
  assert.equal(train.item.length, d.item.length - 2); // u1 and u2 lose one row; u3 has too few
  const u1 = cases.find((c) => d.userIds[c.query.user] === 'u1')!;
  assert.deepEqual(ids(d, u1.targets), ['e']);
  assert.deepEqual(ids(d, u1.query.items), ['a', 'b', 'c', 'd']);
  assert.equal(info.testCases, 2);
});

test('leave-last-out drops targets already seen unless asked not to', () => {
  const d = fixture();
  const { cases, info } = leaveLastOut(d);
  assert.equal(cases.length, 1);
  assert.equal(info.droppedCases, 1);
});

test('second-last holdout never trains on or tests with the last event', () => {
  const d = fixture();
  const { train, cases } = leaveLastOut(d, { holdout: 'second-last' });
  const u1 = cases.find((c) => d.userIds[c.query.user] === 'u1')!;
  assert.deepEqual(ids(d, u1.targets), ['d']);
  assert.deepEqual(ids(d, u1.query.items), ['a', 'b', 'c']);
  assert.ok(!Array.from(train.item).some((i) => d.itemIds[i] === 'e'));
});

test('temporal split trains before the cut-off and tests positive events after it', () => {
  const d = fixture();
  const { train, cases, info } = temporalSplit(d, { testDays: 5, excludeSeen: false }); // cut-off: day 4
  assert.ok(Array.from(train.time).every((t) => t < 4 * DAY));
  const byUser = Object.fromEntries(cases.map((c) => [d.userIds[c.query.user], ids(d, c.targets)]));
  assert.deepEqual(byUser, { u2: ['b', 'a'] }); // u1's only later event is a removal: no target
  assert.equal(info.coldUsers, 1);
  assert.equal(temporalSplit(d, { testDays: 5 }).cases[0].targets.length, 1); // 'a' was seen before
});
