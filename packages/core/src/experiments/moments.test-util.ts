import type { Moments } from './statistics.js';

/** A sample's moments counted afresh, the reference the running sums are checked against. */
export const momentsOf = (values: Iterable<number>): Moments => {
  const m: Moments = { n: 0, sum: 0, sumSquares: 0 };
  for (const v of values) {
    m.n++;
    m.sum += v;
    m.sumSquares += v * v;
  }
  return m;
};
