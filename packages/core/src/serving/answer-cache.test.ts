import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnswerCache } from './answer-cache.js';
import type { Recommendations } from './recommender.js';

const answer = (id: string): Recommendations => ({
  recommendationId: `pdp.${id}`,
  placement: 'pdp',
  recipe: 'similar-items',
  modelVersion: 'v1',
  variant: 'default',
  fallback: false,
  tookMs: 1,
  items: [{ itemId: id, score: 1 }],
});

test('a key is kept from its third offer, answered until ttlMs has passed, and counted', () => {
  let now = 0;
  const cache = new AnswerCache(10, 1000, () => now);
  cache.offer('k', answer('a'));
  assert.equal(cache.get('k'), undefined, 'offered once: not kept');
  cache.offer('k', answer('b'));
  assert.equal(cache.get('k'), undefined, 'offered twice: not kept');
  cache.offer('k', answer('c'));
  assert.equal(cache.get('k')?.items[0].itemId, 'c');
  now = 999;
  assert.ok(cache.get('k'));
  now = 1000;
  assert.equal(cache.get('k'), undefined, 'expired');
  assert.deepEqual(cache.stats, { hits: 2, misses: 3, size: 1 });
  cache.clear();
  cache.offer('k', answer('d'));
  cache.offer('k', answer('d'));
  assert.equal(cache.get('k'), undefined, 'clearing forgets what was asked too');
});

test('keys asked once or twice never take the place of keys asked three times', () => {
  const cache = new AnswerCache(100, 60_000, () => 0);
  for (let round = 0; round < 3; round++) cache.offer('hot', answer('hot'));
  for (let k = 0; k < 10_000; k++) cache.offer(`once-${k}`, answer(String(k)));
  // Each asked twice in a row: met lately, and still not kept.
  for (let k = 0; k < 5_000; k++)
    for (let round = 0; round < 2; round++) cache.offer(`twice-${k}`, answer(String(k)));
  assert.equal(cache.get('hot')?.items[0].itemId, 'hot');
  assert.ok(cache.stats.size <= 2, `${cache.stats.size} answers kept`);
});

test('a key asked twice is forgotten after many other keys, and must be asked three times again', () => {
  const cache = new AnswerCache(10, 60_000, () => 0);
  for (let round = 0; round < 2; round++) cache.offer('first', answer('first'));
  for (let k = 0; k < 10_000; k++) cache.offer(`other-${k}`, answer(String(k)));
  cache.offer('first', answer('first'));
  assert.equal(cache.get('first'), undefined, 'not met lately: only counted');
  cache.offer('first', answer('first'));
  assert.equal(cache.get('first'), undefined, 'asked twice lately');
  cache.offer('first', answer('first'));
  assert.equal(cache.get('first')?.items[0].itemId, 'first');
});
