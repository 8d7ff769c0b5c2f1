import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Recommendations, RecommendedItem } from '@gu/core';
import { itemsJson, numberJson, recommendationsJson } from './answer-json.js';

/** A deterministic stream of numbers in [0, 1), so that a failure names the same case on every run. */
function random(seed: number) {
  return () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

describe('numberJson', () => {
  it('writes what JSON.stringify writes, for scores rounded to millionths and for any other number', () => {
    const next = random(7);
    const cases = [
      0,
      -0,
      1,
      -1,
      0.5,
      0.000001,
      -0.000001,
      0.00001,
      0.1,
      0.25,
      123.456,
      -2.1,
      2147.483647,
      -2147.483647,
      2147.483648,
      1e21,
      1e-7,
      0.9090909090909091,
      1 / 3,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      NaN,
      Infinity,
      -Infinity,
      0.071,
      12.5,
      1e6,
      123456789,
    ];
    for (let i = 0; i < 200_000; i++) {
      const x = (next() - 0.3) * 10 ** Math.floor(next() * 8 - 3);
      cases.push(x, Math.round(x * 1e6) / 1e6, Math.round(x * 1e3) / 1e3);
    }
    for (const x of cases) assert.equal(numberJson(x), JSON.stringify(x), `for ${x}`);
  });
});

describe('answer JSON', () => {
  const next = random(11);
  const ids = [
    'i1',
    'i43724',
    'quote"d',
    'back\\slash',
    'tab\there',
    'line\nbreak',
    'áo dài đỏ',
    '😀',
    '\u2028',
    '',
  ];
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const item = (): RecommendedItem => {
    const score = next() < 0.8 ? Math.round(next() * 1e6) / 1e6 : 1 - Math.floor(next() * 10) / 11;
    const roll = next();
    if (roll < 0.4) return { itemId: pick(ids), score };
    if (roll < 0.7) return { itemId: pick(ids), score, reason: { type: 'popular' } };
    return { itemId: pick(ids), score, reason: { type: 'viewed', itemId: pick(ids) } };
  };

  it('is the JSON of the answer, fields in the schema order, for reasons with and without an item', () => {
    for (let i = 0; i < 2_000; i++) {
      const answer: Recommendations = {
        recommendationId: `home.${i}`,
        placement: pick(['home', 'pdp', 'cart'] as const),
        recipe: pick(['user-personalization', 'similar-items', 'popular'] as const),
        modelVersion: next() < 0.2 ? null : `v${i}`,
        variant: pick(['default', 'b "bold"']),
        fallback: next() < 0.5,
        tookMs: Math.round(next() * 50_000) / 1000,
        items: Array.from({ length: Math.floor(next() * 12) }, item),
      };
      const text = recommendationsJson(answer);
      assert.deepEqual(JSON.parse(text), answer);
      assert.equal(text, JSON.stringify(answer));
    }
  });

  it('writes an item list, empty or not', () => {
    assert.equal(itemsJson([]), '[]');
    const items = Array.from({ length: 50 }, item);
    assert.equal(itemsJson(items), JSON.stringify(items));
  });
});
