/**
 * The tests an A/B report rests on: two proportions (click-through, conversion), Welch's t for means with
 * unequal variances (order value, revenue per shopper) and a chi-square goodness of fit for the split of
 * shoppers between variants (a sample ratio mismatch says the assignment or the tracking is broken). The
 * distribution functions are the textbook ones (Numerical Recipes, ch. 6); they are exact to ~1e-7.
 */

/** A treatment's difference to the control, with its two-sided confidence interval and p-value. */
export interface Comparison {
  /** The control's value (rate or mean). */
  control: number;
  /** Treatment minus control. */
  difference: number;
  /** The difference over the control's value; null when the control's value is 0. */
  relativeLift: number | null;
  /** The difference's interval at the confidence level asked for (95% by default). */
  interval: [number, number];
  pValue: number;
}

/** A sample's sum, sum of squares and size: enough for its mean and variance. */
export interface Moments {
  n: number;
  sum: number;
  sumSquares: number;
}

/** ln Γ(x) for x > 0 (Lanczos, 15 digits). */
export function logGamma(x: number): number {
  const c = [
    57.15623566586292, -59.59796035547549, 14.136097974741746, -0.4919138160976202, 3.399464998481189e-5,
    4.652362892704858e-5, -9.837447530487956e-5, 1.580887032249125e-4, -2.1026444172410488e-4,
    2.1743961811521265e-4, -1.643181065367639e-4, 8.441822398385275e-5, -2.6190838401581408e-5,
    3.6899182659531625e-6,
  ];
  let y = x;
  const t = x + 5.2421875;
  let series = 0.9999999999999971;
  for (const ci of c) series += ci / ++y;
  return (x + 0.5) * Math.log(t) - t + Math.log((2.5066282746310007 * series) / x);
}

/** The standard normal distribution function Φ(z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Complementary error function (Chebyshev fit, fractional error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** The regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast only below the mean; above it, the symmetry I_x(a,b) = 1 - I_1-x(b,a).
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(x, a, b)) / a
    : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    for (const aa of [
      (m * (b - m) * x) / ((a + m2 - 1) * (a + m2)),
      (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1)),
    ]) {
      d = 1 + aa * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + aa / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}

/** P(|T| ≥ |t|) for Student's t with df degrees of freedom (df may be fractional, as Welch's is). */
export function studentTwoSidedP(t: number, df: number): number {
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** The t with P(|T| ≥ t) = p (bisection: the tail is monotone in t). */
export function studentQuantile(p: number, df: number): number {
  let lo = 0;
  let hi = 1;
  while (studentTwoSidedP(hi, df) > p) hi *= 2;
  for (let i = 0; i < 100 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTwoSidedP(mid, df) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The regularized upper incomplete gamma function Q(a, x). */
export function upperGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnFront = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // Series for P(a, x).
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return 1 - sum * Math.exp(lnFront);
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return Math.exp(lnFront) * h;
}

/**
 * Two proportions, control (x1 of n1) against treatment (x2 of n2): the pooled z-test's p-value and the
 * unpooled (Wald) interval of the difference. Undefined (undefined) when a side has no trials or nothing
 * varies.
 */
export function compareProportions(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  confidence = 0.95,
): Comparison | undefined {
  if (n1 === 0 || n2 === 0) return undefined;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se0 === 0) return undefined;
  const difference = p2 - p1;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  return {
    control: p1,
    difference,
    relativeLift: p1 === 0 ? null : difference / p1,
    interval: [difference - z * se, difference + z * se],
    pValue: 2 * (1 - normalCdf(Math.abs(difference / se0))),
  };
}

/** Means of two samples with unequal variances (Welch's t-test and interval); undefined below 2 per side. */
export function compareMeans(
  control: Moments,
  treatment: Moments,
  confidence = 0.95,
): Comparison | undefined {
  if (control.n < 2 || treatment.n < 2) return undefined;
  const stats = (m: Moments) => {
    const mean = m.sum / m.n;
    // Clamped: rounding can make the variance of equal values a hair below 0.
    const variance = Math.max(0, (m.sumSquares - m.n * mean * mean) / (m.n - 1));
    return { mean, v: variance / m.n, n: m.n };
  };
  const c = stats(control);
  const t = stats(treatment);
  const se = Math.sqrt(c.v + t.v);
  if (se === 0) return undefined;
  const df = (c.v + t.v) ** 2 / (c.v ** 2 / (c.n - 1) + t.v ** 2 / (t.n - 1));
  const difference = t.mean - c.mean;
  const half = studentQuantile(1 - confidence, df) * se;
  return {
    control: c.mean,
    difference,
    relativeLift: c.mean === 0 ? null : difference / c.mean,
    interval: [difference - half, difference + half],
    pValue: studentTwoSidedP(difference / se, df),
  };
}

/** Chi-square goodness of fit of observed counts to expected shares (which need not sum to 1). */
export function goodnessOfFit(observed: readonly number[], shares: readonly number[]): number | undefined {
  const total = observed.reduce((a, b) => a + b, 0);
  const shareTotal = shares.reduce((a, b) => a + b, 0);
  if (total === 0 || observed.length < 2) return undefined;
  let chi = 0;
  for (let i = 0; i < observed.length; i++) {
    const expected = (total * shares[i]) / shareTotal;
    chi += (observed[i] - expected) ** 2 / expected;
  }
  return upperGamma((observed.length - 1) / 2, chi / 2);
}

/** The z with Φ(z) = p, for 0 < p < 1 (bisection on Φ: monotone, and Φ is exact to ~1e-7). */
export function normalQuantile(p: number): number {
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 100 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Trials needed in each of two equal arms for a two-sided test at level alpha to detect, with the given power,
 * a rate moving from p by the relative lift (the normal approximation with the pooled variance under the null).
 */
export function sampleSizePerArm(p: number, relativeLift: number, alpha: number, power: number): number {
  const q = p * (1 + relativeLift);
  const mean = (p + q) / 2;
  const z = normalQuantile(1 - alpha / 2) * Math.sqrt(2 * mean * (1 - mean));
  const zPower = normalQuantile(power) * Math.sqrt(p * (1 - p) + q * (1 - q));
  return Math.ceil((z + zPower) ** 2 / (q - p) ** 2);
}

/** A ratio metric's per-unit sums: x over y per shopper (clicks over impressions), summed over shoppers. */
export interface RatioMoments {
  n: number;
  sumX: number;
  sumY: number;
  sumXX: number;
  sumYY: number;
  sumXY: number;
}

/**
 * A ratio's value (Σx / Σy) and its delta-method variance per unit: Var(R) ≈ v / n. The shopper, not the
 * impression, is what the test randomizes, and one shopper's clicks go together: treating impressions as
 * independent trials understates the variance (an A/A test of clustered clicks then "finds" a difference far
 * more often than alpha says).
 */
function ratioOf(m: RatioMoments): { ratio: number; v: number } | undefined {
  if (m.n < 2 || m.sumY === 0) return undefined;
  const mx = m.sumX / m.n;
  const my = m.sumY / m.n;
  const varX = (m.sumXX - m.n * mx * mx) / (m.n - 1);
  const varY = (m.sumYY - m.n * my * my) / (m.n - 1);
  const cov = (m.sumXY - m.n * mx * my) / (m.n - 1);
  const ratio = m.sumX / m.sumY;
  return { ratio, v: Math.max(0, (varX - 2 * ratio * cov + ratio * ratio * varY) / (my * my)) };
}

/** Two ratios (click-through per shopper's impressions) by the delta method: z-test and interval. */
export function compareRatios(
  control: RatioMoments,
  treatment: RatioMoments,
  confidence = 0.95,
): Comparison | undefined {
  const c = ratioOf(control);
  const t = ratioOf(treatment);
  if (!c || !t) return undefined;
  const se = Math.sqrt(c.v / control.n + t.v / treatment.n);
  if (se === 0) return undefined;
  const difference = t.ratio - c.ratio;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  return {
    control: c.ratio,
    difference,
    relativeLift: c.ratio === 0 ? null : difference / c.ratio,
    interval: [difference - z * se, difference + z * se],
    pValue: 2 * (1 - normalCdf(Math.abs(difference / se))),
  };
}

/** Units needed in each of two equal arms to see a ratio move by the relative lift (delta-method variance). */
export function ratioSampleSizePerArm(
  control: RatioMoments,
  relativeLift: number,
  alpha: number,
  power: number,
): number | undefined {
  const c = ratioOf(control);
  if (!c || c.ratio === 0) return undefined;
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  return Math.ceil((2 * c.v * z * z) / (c.ratio * relativeLift) ** 2);
}
