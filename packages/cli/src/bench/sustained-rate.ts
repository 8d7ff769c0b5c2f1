import type { LoadResult } from './load.js';

export interface Probe {
  rate: number;
  /** The p99 of each window run at this rate, in order: a second only when the first passed. */
  windowsP99Ms: number[];
  /** The highest of them. */
  p99Ms: number;
  /** Every window's p99 within the budget, and every measured request answered with a 2xx. */
  within: boolean;
  /** How late the generator itself sent (OpenLoopResult.senderLateP99Ms) in the last window, when it says. */
  senderLateP99Ms?: number;
}

export interface Sustained {
  /** The highest rate probed that stayed within the budget; 0 when none did. */
  rate: number;
  /** That rate's figures: its window with the higher p99. */
  result?: LoadResult;
  probes: Probe[];
}

/**
 * The highest request rate a server sustains with p99 within budgetMs, by bisection between 0 and ceiling
 * (a rate it cannot sustain, such as the closed-loop throughput, where a queue grows without end); the first
 * probe is at 80% of it. A rate passes only when `windows` windows in a row pass (each a call of probe, with
 * its own warm-up): near the cliff one window passes or fails on whether a collection or a stall of the
 * machine fell in it, and a figure that one lucky window decided would not hold. Stops after `steps` rates,
 * or once the bracket is within `precision` of its top.
 */
export async function sustainedRate(
  probe: (rate: number) => Promise<LoadResult>,
  ceiling: number,
  budgetMs: number,
  { steps = 6, precision = 0.05, windows = 2 } = {},
): Promise<Sustained> {
  if (!(windows >= 1)) throw new RangeError(`a rate needs at least one window, not ${windows}`);
  let [low, high] = [0, ceiling];
  let best: LoadResult | undefined;
  const probes: Probe[] = [];
  for (let rate = Math.round(0.8 * ceiling); probes.length < steps && rate > 0;) {
    const results: LoadResult[] = [];
    let within = true;
    while (within && results.length < windows) {
      const result = await probe(rate);
      results.push(result);
      within = result.p99Ms <= budgetMs && result.errors === 0 && result.non2xx === 0 && !result.unanswered;
    }
    const worst = results.reduce((a, b) => (b.p99Ms > a.p99Ms ? b : a));
    probes.push({
      rate,
      windowsP99Ms: results.map((r) => r.p99Ms),
      p99Ms: worst.p99Ms,
      within,
      senderLateP99Ms: results[results.length - 1].senderLateP99Ms,
    });
    if (within) [low, best] = [rate, worst];
    else high = rate;
    if ((high - low) / high <= precision) break;
    rate = Math.round((low + high) / 2);
  }
  return { rate: low, result: best, probes };
}
