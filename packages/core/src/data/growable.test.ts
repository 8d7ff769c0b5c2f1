import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Growable } from './growable.js';

test('a growable array keeps every value past its first 1,024 and returns only the filled part', () => {
  const g = new Growable(Int32Array);
  for (let i = 0; i < 3000; i++) g.push(i * 2);
  assert.equal(g.length, 3000);
  assert.equal(g.at(2999), 5998);
  const a = g.toArray();
  assert.ok(a instanceof Int32Array);
  assert.equal(a.length, 3000);
  assert.equal(a[1024], 2048);
  g.push(7);
  assert.equal(a.length, 3000, 'toArray is a copy');
});

test('set overwrites a pushed value, also after the array grew', () => {
  const g = new Growable(Float64Array);
  g.push(1.5);
  for (let i = 0; i < 2000; i++) g.push(i);
  g.set(0, 2.5);
  g.set(1500, -1);
  assert.deepEqual([g.at(0), g.at(1500), g.at(1501), g.length], [2.5, -1, 1500, 2001]);
});
