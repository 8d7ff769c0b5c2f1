import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventCode } from '../../domain/events.js';
import { parseUserSequences } from './sequences.js';

async function* linesOf(...lines: string[]) {
  yield* lines;
}

test('one user a line, items in order: the time of an event is its position', async () => {
  const { data, quality } = await parseUserSequences(linesOf('1 10 11 12', '', '2\t11  13 ', '1 14'));
  assert.deepEqual(data.userIds, ['1', '2']);
  assert.deepEqual(data.itemIds, ['10', '11', '12', '13', '14']);
  assert.deepEqual(
    Array.from(data.user, (u, r) => `${data.userIds[u]}:${data.itemIds[data.item[r]]}@${data.time[r]}`),
    ['1:10@0', '1:11@1', '1:12@2', '1:14@3', '2:11@0', '2:13@1'], // user 1's second line continues the first
  );
  assert.ok(data.type.every((t) => t === EventCode.view));
  assert.deepEqual([quality.rows, quality.valid], [3, 3]);
});

test('a user without items is rejected', async () => {
  const { data, quality } = await parseUserSequences(linesOf('1 10', '2', '3 11'));
  assert.deepEqual(data.userIds, ['1', '3']);
  assert.deepEqual(quality.errors, [{ reason: 'a user without items', count: 1, firstLine: 2 }]);
});
