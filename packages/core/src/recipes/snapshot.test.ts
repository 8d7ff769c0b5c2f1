import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeSnapshot, encodeSnapshot } from './snapshot.js';

test('a snapshot survives encoding with its arrays, types and JSON state', () => {
  const snapshot = {
    recipe: 'popular',
    params: { windowDays: 7 },
    state: { note: 'ünïcode ✓', list: [1, 2] },
    arrays: {
      a: Float32Array.of(1.5, -2),
      b: Int32Array.of(7),
      c: Uint8Array.of(1, 2, 3),
      d: Float64Array.of(Math.PI),
    },
  };
  const back = decodeSnapshot(encodeSnapshot(snapshot));
  assert.deepEqual(back, snapshot);
  assert.ok(back.arrays.d instanceof Float64Array);
});

test('decoding rejects bytes that are not a snapshot', () => {
  assert.throws(() => decodeSnapshot(new TextEncoder().encode('hello world')), /not a Gu model snapshot/);
});
