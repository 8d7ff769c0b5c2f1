import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyTable } from './key-table.js';

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('a key table agrees with a Map over 200,000 random sets, deletes and gets (each key asked again at once), in contents and order', () => {
  const next = random(7);
  const table = new KeyTable();
  const map = new Map<string, number>();
  // Few enough distinct keys that deletes hit, sets overwrite and runs of probes shift back often.
  const keyOf = () => `u:${Math.floor(next() * 20_000)}`;
  for (let op = 0; op < 200_000; op++) {
    const key = keyOf();
    const r = next();
    if (r < 0.5) {
      const value = Math.floor(next() * 2 ** 31);
      table.set(key, value);
      map.set(key, value);
    } else if (r < 0.8) assert.equal(table.delete(key), map.delete(key), `delete ${key} at op ${op}`);
    else assert.equal(table.get(key), map.get(key), `get ${key} at op ${op}`);
    assert.equal(table.size, map.size);
    // Asked again at once, as a request asks for its shopper twice: the change just made shows.
    assert.equal(table.get(key), map.get(key), `get ${key} again at op ${op}`);
  }
  for (const [key, value] of map) assert.equal(table.get(key), value);
  assert.deepEqual([...table], [...map]);
  assert.deepEqual([...table.keys()], [...map.keys()]);
});

test('every key of a million is found after the table grew twenty times, and none that was not set', () => {
  const table = new KeyTable();
  for (let i = 0; i < 1_000_000; i++) table.set(`u:u${i}`, i);
  assert.equal(table.size, 1_000_000);
  for (let i = 0; i < 1_000_000; i += 997) assert.equal(table.get(`u:u${i}`), i);
  assert.equal(table.get('u:u1000000'), undefined);
  assert.equal(table.has('u:u'), false);
  assert.equal(table.has('u:u999999'), true);
});

test('keys are compared by every UTF-16 code unit: unicode, lone surrogates, the empty key and long keys', () => {
  const keys = [
    '',
    'a',
    'A',
    'Nguyễn',
    'Nguyên',
    '\ud800',
    '\udc00',
    '😀',
    'x'.repeat(10_000),
    'x'.repeat(9_999) + 'y',
  ];
  const table = new KeyTable();
  keys.forEach((key, i) => table.set(key, i));
  keys.forEach((key, i) => assert.equal(table.get(key), i, JSON.stringify(key.slice(0, 20))));
  assert.deepEqual([...table.keys()], keys);
  assert.equal(table.get('Nguyen'), undefined);
});

test('space of deleted keys is reclaimed: a stream of keys that come and go keeps the table small', () => {
  const table = new KeyTable();
  // 10 live keys at a time, a million over the run: without reclaiming, the arrays would grow with the stream.
  for (let i = 0; i < 1_000_000; i++) {
    table.set(`session:${i}`, i);
    if (i >= 10) table.delete(`session:${i - 10}`);
  }
  assert.equal(table.size, 10);
  assert.deepEqual(
    [...table.keys()],
    Array.from({ length: 10 }, (_, k) => `session:${999_990 + k}`),
  );
  const held = table as unknown as { records: Int32Array; chars: Uint16Array; buckets: Int32Array };
  assert.ok(held.records.length <= 1024 * 4, `${held.records.length / 4} entries allocated`);
  assert.ok(held.chars.length <= 16 * 1024, `${held.chars.length} code units allocated`);
  assert.ok(held.buckets.length <= 2048, `${held.buckets.length} buckets allocated`);
});

test('setting a key again replaces its value in place, keeping its place in the order', () => {
  const table = new KeyTable().set('a', 1).set('b', 2).set('a', 3);
  assert.deepEqual(
    [...table],
    [
      ['a', 3],
      ['b', 2],
    ],
  );
  table.delete('a');
  table.set('a', 4);
  assert.deepEqual(
    [...table],
    [
      ['b', 2],
      ['a', 4],
    ],
  );
});

test('after mass erasure the table shrinks to what is live once its entries next fill', () => {
  const table = new KeyTable();
  for (let i = 0; i < 100_000; i++) table.set(`u:${i}`, i);
  const held = table as unknown as { records: Int32Array; chars: Uint16Array };
  const before = held.records.length;
  for (let i = 10; i < 100_000; i++) table.delete(`u:${i}`);
  for (let i = 0; i < 40_000; i++) table.set(`s:${i}`, i);
  assert.equal(table.size, 40_010);
  assert.ok(held.records.length < before, `${held.records.length / 4} entries, ${before / 4} before`);
  assert.equal(table.get('u:9'), 9);
  assert.equal(table.get('u:10'), undefined);
  assert.equal(table.get('s:39999'), 39_999);
});

test('values outside [0, 2^31) are refused, not wrapped', () => {
  const table = new KeyTable();
  for (const value of [-1, 2 ** 31, 1.5, NaN]) assert.throws(() => table.set('k', value), RangeError);
  assert.equal(table.size, 0);
  table.set('k', 2 ** 31 - 1);
  assert.equal(table.get('k'), 2 ** 31 - 1);
});
