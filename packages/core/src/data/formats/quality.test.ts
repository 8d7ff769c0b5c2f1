import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QUALITY_GATE, QualityCounter } from './quality.js';

test('the report counts rows and lists reasons, most frequent first, with the first line of each', () => {
  const q = new QualityCounter();
  q.ok();
  q.reject('empty user_id', 3);
  q.reject('bad timestamp', 4);
  q.reject('bad timestamp', 9);
  q.ok();
  assert.deepEqual(q.report(), {
    rows: 5,
    valid: 2,
    invalid: 3,
    validShare: 0.4,
    passes: false,
    errors: [
      { reason: 'bad timestamp', count: 2, firstLine: 4 },
      { reason: 'empty user_id', count: 1, firstLine: 3 },
    ],
  });
});

test('the gate is 95% valid rows, inclusive; an empty file does not pass', () => {
  assert.equal(QUALITY_GATE, 0.95);
  const share = (valid: number, invalid: number) => {
    const q = new QualityCounter();
    for (let i = 0; i < valid; i++) q.ok();
    for (let i = 0; i < invalid; i++) q.reject('bad', i + 1);
    return q.report();
  };
  assert.equal(share(19, 1).passes, true); // exactly 95%
  assert.equal(share(94, 6).passes, false);
  assert.equal(share(100, 0).passes, true);
  assert.deepEqual(share(0, 0), { rows: 0, valid: 0, invalid: 0, validShare: 0, passes: false, errors: [] });
});
