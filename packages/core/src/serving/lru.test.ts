import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Lru } from './lru.js';

describe('Lru', () => {
  test('answers what it holds and counts hits and misses', () => {
    const lru = new Lru<string, number>(4);
    lru.set('a', 1);
    lru.set('a', 2);
    assert.equal(lru.get('a'), 2);
    assert.equal(lru.get('b'), undefined);
    assert.deepEqual([lru.hits, lru.misses, lru.size], [1, 1, 1]);
  });

  test('keeps between capacity and twice capacity keys, dropping the least recently used', () => {
    const lru = new Lru<number, number>(100);
    for (let k = 0; k < 1000; k++) lru.set(k, k);
    assert.ok(lru.size >= 100 && lru.size <= 200, `size ${lru.size}`);
    // The newest capacity keys are all there; the oldest are gone.
    for (let k = 900; k < 1000; k++) assert.equal(lru.get(k), k);
    assert.equal(lru.get(0), undefined);
  });

  test('a key that is read keeps surviving while untouched ones are evicted', () => {
    const lru = new Lru<number, string>(10);
    lru.set(-1, 'kept');
    for (let k = 0; k < 500; k++) {
      lru.set(k, 'filler');
      if (k % 5 === 0) assert.equal(lru.get(-1), 'kept', `lost after ${k} inserts`);
    }
    assert.equal(lru.get(3), undefined);
  });

  test('a key set again counts once, whichever generation held it', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2); // a and b move to the old generation together
    lru.set('a', 3);
    assert.equal(lru.size, 2);
    assert.equal(lru.get('a'), 3);
    lru.clear();
    assert.deepEqual([lru.size, lru.get('a')], [0, undefined]);
  });

  test('refuses a capacity below one', () => {
    assert.throws(() => new Lru(0), /at least one key/);
  });
});
