import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compareMeans,
  compareProportions,
  compareRatios,
  ratioSampleSizePerArm,
  goodnessOfFit,
  logGamma,
  normalCdf,
  normalQuantile,
  sampleSizePerArm,
  studentQuantile,
  studentTwoSidedP,
  upperGamma,
} from './statistics.js';
import { momentsOf } from './moments.test-util.js';

const near = (actual: number | undefined, expected: number, tolerance: number, what = '') =>
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) <= tolerance,
    `${what} ${actual} is not ${expected} ± ${tolerance}`,
  );

// Reference values from SciPy 1.17 (scipy.stats: norm, t, chi2, chisquare, ttest_ind(equal_var=False)).
describe('distribution functions', () => {
  test('ln Γ, Φ, Student t and chi-square tails agree with R', () => {
    near(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-12, 'ln Γ(0.5)');
    near(logGamma(10), Math.log(362_880), 1e-12, 'ln Γ(10)');
    near(normalCdf(1.959963984540054), 0.975, 1e-7, 'norm.cdf(1.96)');
    near(normalCdf(-1), 0.158655253931457, 1e-7, 'norm.cdf(-1)');
    near(studentTwoSidedP(2, 10), 0.0733880347707404, 1e-9, '2 t.sf(2, 10)');
    near(studentTwoSidedP(1.5, 3.7), 0.2135981692020135, 1e-9, '2 t.sf(1.5, 3.7)');
    near(studentQuantile(0.05, 10), 2.228138851986274, 1e-8, 't.ppf(0.975, 10)');
    near(studentQuantile(0.05, 1e6), 1.959966356814107, 1e-8, 't.ppf(0.975, 1e6)');
    near(upperGamma(0.5, 3.841458820694124 / 2), 0.05, 1e-9, 'chi2.sf(3.84, 1)');
    near(upperGamma(1, 5.991464547107979 / 2), 0.05, 1e-9, 'chi2.sf(5.99, 2)');
    near(upperGamma(2.5, 11.0705 / 2), 0.0499999554280436, 1e-9, 'chi2.sf(11.07, 5)');
    near(upperGamma(0.5, 0.1), 0.654720846018577, 1e-9, 'chi2.sf(0.2, 1)');
  });
});

describe('comparisons', () => {
  test('two proportions: the pooled z-test and the Wald interval', () => {
    // 120 of 4000 against 150 of 4000: pooled z = 1.857353716663985, 2 norm.sf(z) = 0.06326084669568624
    const c = compareProportions(120, 4000, 150, 4000)!;
    near(c.difference, 0.0075, 1e-12);
    near(c.relativeLift!, 0.25, 1e-12);
    near(c.pValue, 0.06326084669568624, 1e-7, 'p');
    const se = Math.sqrt((0.03 * 0.97) / 4000 + (0.0375 * 0.9625) / 4000);
    near(c.interval[0], 0.0075 - 1.959964 * se, 1e-6);
    near(c.interval[1], 0.0075 + 1.959964 * se, 1e-6);
    assert.equal(compareProportions(0, 0, 3, 10), undefined, 'no trials');
    assert.equal(compareProportions(0, 10, 0, 10), undefined, 'nothing varies');
  });

  test("means: Welch's t-test and interval", () => {
    // ttest_ind(b, a, equal_var=False): t = 2.2192, df = 24.496, p = 0.03597227102979692,
    // confidence_interval(0.95) = [0.15760646449535276, 4.282393535504645]
    const a = [19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0];
    const b = [
      28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7, 23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3,
      20.4, 24.0, 13.2,
    ];
    const c = compareMeans(momentsOf(a), momentsOf(b))!;
    near(c.difference, 21.59 - 19.37, 1e-9);
    near(c.pValue, 0.03597227102979692, 1e-8, 'p');
    near(c.interval[0], 0.15760646449535276, 1e-7, 'lower');
    near(c.interval[1], 4.282393535504645, 1e-7, 'upper');
    assert.equal(compareMeans(momentsOf([1]), momentsOf([1, 2])), undefined, 'one value');
    assert.equal(compareMeans(momentsOf([5, 5]), momentsOf([5, 5, 5])), undefined, 'no variance');
  });

  test('goodness of fit of a split to its weights', () => {
    // chisquare([5100, 4900]).pvalue = 0.04550026389635857
    near(goodnessOfFit([5100, 4900], [1, 1]), 0.04550026389635857, 1e-9);
    near(goodnessOfFit([2000, 1000], [2, 1]), 1, 1e-12);
    assert.equal(goodnessOfFit([0, 0], [1, 1]), undefined);
  });
});

describe('planning', () => {
  test('normal quantiles and the trials per arm a lift needs, as SciPy computes them', () => {
    near(normalQuantile(0.975), 1.959963984540054, 1e-6, 'norm.ppf(0.975)');
    near(normalQuantile(0.8), 0.8416212335729143, 1e-6, 'norm.ppf(0.8)');
    near(normalQuantile(0.9875), 2.241402727604947, 1e-6, 'norm.ppf(0.9875)');
    // (z_a √(2 p̄ q̄) + z_b √(p1 q1 + p2 q2))² / (p2 − p1)² with norm.ppf: 3840.85, 80681.38, 7883.13
    assert.equal(sampleSizePerArm(0.1, 0.2, 0.05, 0.8), 3841);
    assert.equal(sampleSizePerArm(0.02, 0.1, 0.05, 0.8), 80682);
    assert.equal(sampleSizePerArm(0.2, 0.1, 0.025, 0.8), 7884);
  });
});

describe('click-through with the shopper as the unit', () => {
  /** A seeded generator (mulberry32). */
  const random = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** An arm: shoppers with 10–60 impressions each and a CTR of their own, Beta(1, 19) times the lift. */
  function arm(next: () => number, shoppers: number, lift = 1) {
    const m = { n: shoppers, sumX: 0, sumY: 0, sumXX: 0, sumYY: 0, sumXY: 0 };
    for (let s = 0; s < shoppers; s++) {
      const p = lift * (1 - next() ** (1 / 19));
      const y = 10 + Math.floor(next() * 51);
      let x = 0;
      for (let i = 0; i < y; i++) if (next() < p) x++;
      Object.assign(m, {
        sumX: m.sumX + x,
        sumY: m.sumY + y,
        sumXX: m.sumXX + x * x,
        sumYY: m.sumYY + y * y,
        sumXY: m.sumXY + x * y,
      });
    }
    return m;
  }

  test('an A/A test finds a difference about as often as alpha says; counting impressions as trials does not', () => {
    const next = random(11);
    let byShopper = 0;
    let byImpression = 0;
    const runs = 400;
    for (let r = 0; r < runs; r++) {
      const a = arm(next, 300);
      const b = arm(next, 300);
      if (compareRatios(a, b)!.pValue < 0.05) byShopper++;
      if (compareProportions(a.sumX, a.sumY, b.sumX, b.sumY)!.pValue < 0.05) byImpression++;
    }
    // 400 runs at 5%: 20 expected, 95% of runs within 12–29.
    assert.ok(byShopper >= 8 && byShopper <= 32, `delta method: ${byShopper} of ${runs} at p < 0.05`);
    assert.ok(byImpression > 2 * byShopper, `impressions as trials: ${byImpression} of ${runs}`);
  });

  test('plans as many shoppers as seeing a 10% lift 80% of the time takes', () => {
    const n = ratioSampleSizePerArm(arm(random(3), 5000), 0.1, 0.05, 0.8)!;
    const next = random(5);
    let seen = 0;
    const runs = 200;
    for (let r = 0; r < runs; r++) {
      const test = compareRatios(arm(next, n), arm(next, n, 1.1))!;
      if (test.pValue < 0.05 && test.difference > 0) seen++;
    }
    // 80% of 200 is 160; 95% of runs fall within 149–171.
    assert.ok(seen >= 140 && seen <= 180, `${seen} of ${runs} with ${n} shoppers per arm`);
  });
});
