import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSessionDataset } from './sessions.js';

async function* linesOf(...lines: string[]) {
  yield* lines;
}

test('training sessions become shoppers of their own; test lines become prefix → next cases', async () => {
  const { train, cases, quality } = await parseSessionDataset(
    linesOf('1 2', '', '3 4 5', '2'),
    linesOf('1 3\t5', '7\t1', 'bad line', '4\t', '2 9\t8 6', ''),
  );
  assert.deepEqual(train.userIds, ['s1', 's3', 's4']); // named by line number
  assert.deepEqual(
    Array.from(train.item, (i) => train.itemIds[i]),
    ['1', '2', '3', '4', '5', '2'],
  );
  assert.deepEqual(Array.from(train.time), [0, 1, 0, 1, 2, 0]);
  assert.deepEqual(train.itemIds, ['1', '2', '3', '4', '5', '7']); // test-only items join the catalog
  const shown = cases.map((c) => ({
    user: c.query.user,
    prefix: Array.from(c.query.items, (i) => train.itemIds[i]),
    times: Array.from(c.query.times),
    target: Array.from(c.targets, (i) => train.itemIds[i]),
  }));
  assert.deepEqual(shown, [
    { user: -1, prefix: ['1', '3'], times: [0, 1], target: ['5'] },
    { user: -1, prefix: ['7'], times: [0], target: ['1'] },
  ]);
  assert.deepEqual(quality.errors, [
    { reason: 'test line is not `prefix items<TAB>next item`', count: 3, firstLine: 3 },
  ]);
  assert.deepEqual([quality.rows, quality.valid], [8, 5]); // 3 sessions and 2 cases valid
});
