import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Exposures } from './exposures.js';

test('exposures keep each shopper’s columns through renames, and a reused slot starts afresh', () => {
  const ex = new Exposures();
  // More than the first allocation, so that the columns grow with their values kept.
  for (let u = 0; u < 3000; u++) {
    const slot = ex.add(`u:${u}`, u % 3, 1000 + u);
    ex.impressions[slot] = u;
    ex.revenue[slot] = u / 2;
    if (u % 7 === 0) ex.addOrder(slot, `o${u}`);
  }
  assert.equal(ex.size, 3000);
  for (const u of [0, 1, 1023, 1024, 2999]) {
    const slot = ex.slot(`u:${u}`)!;
    assert.deepEqual(
      [ex.variant[slot], ex.since[slot], ex.impressions[slot], ex.revenue[slot]],
      [u % 3, 1000 + u, u, u / 2],
    );
    assert.deepEqual(ex.orders(slot), u % 7 === 0 ? [`o${u}`] : []);
  }

  const session = ex.add('s:phone', 2, 5);
  ex.addOrder(session, 'o-phone');
  ex.rename('s:phone', 'u:signed-in');
  assert.equal(ex.slot('s:phone'), undefined);
  assert.equal(ex.slot('u:signed-in'), session);
  assert.deepEqual(ex.orders(session), ['o-phone']);

  const erased = ex.slot('u:7')!;
  ex.delete('u:7');
  assert.equal(ex.slot('u:7'), undefined);
  assert.equal(ex.size, 3000);
  const reused = ex.add('u:new', 1, 9);
  assert.equal(reused, erased, 'the erased shopper’s slot is reused');
  assert.deepEqual(
    [ex.variant[reused], ex.since[reused], ex.impressions[reused], ex.clicks[reused], ex.revenue[reused]],
    [1, 9, 0, 0, 0],
  );
  assert.equal(ex.purchased[reused], 0);
  assert.deepEqual(ex.orders(reused), [], 'the erased shopper’s orders do not pass to the next');
});

test('exposures refuse a second exposure of a shopper, and a rename onto an exposed one', () => {
  const ex = new Exposures();
  ex.add('u:a', 0, 1);
  ex.add('s:b', 1, 2);
  assert.throws(() => ex.add('u:a', 1, 3), /u:a is exposed already/);
  assert.throws(() => ex.rename('s:b', 'u:a'), /u:a is exposed already/);
  // Nothing changed: each keeps its own slot, and a new shopper gets a third.
  assert.deepEqual([ex.slot('u:a'), ex.slot('s:b'), ex.add('u:c', 0, 4)], [0, 1, 2]);
});
