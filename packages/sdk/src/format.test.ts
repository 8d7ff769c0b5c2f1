import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPrice, formatVnd } from './format.js';

describe('formatVnd', () => {
  it('groups thousands with dots and puts the đồng sign after', () => {
    assert.equal(formatVnd(125_000), '125.000 ₫');
    assert.equal(formatVnd(1_250_000), '1.250.000 ₫');
    assert.equal(formatVnd(999), '999 ₫');
    assert.equal(formatVnd(0), '0 ₫');
  });

  it('rounds to whole đồng', () => {
    assert.equal(formatVnd(99_999.6), '100.000 ₫');
    assert.equal(formatVnd(-0.2), '0 ₫');
    assert.equal(formatVnd(-15_000), '-15.000 ₫');
  });

  it('groups with commas in English', () => {
    assert.equal(formatVnd(125_000, 'en'), '125,000 ₫');
    assert.equal(formatVnd(12_345_678, 'en'), '12,345,678 ₫');
  });

  it('prints nothing for what is not a number', () => {
    assert.equal(formatVnd(Number.NaN), '');
  });

  it('formatPrice: VND by formatVnd, other currencies by Intl', () => {
    assert.equal(formatPrice(125_000, 'VND'), '125.000 ₫');
    assert.match(formatPrice(12.5, 'USD', 'en'), /\$12\.50/);
  });
});
