import type { LoadResult } from './load.js';

export interface Probe {
  rate: number;
  p99Ms: number;
  /** p99 within the budget, and every measured request answered with a 2xx. */
  within: boolean;
  /** How late the generator itself sent (OpenLoopResult.senderLateP99Ms), when it says. */
  senderLateP99Ms?: number;
}

export interface Sustained {
  /** The highest rate probed that stayed within the budget; 0 when none did. */
  rate: number;
  /** That probe's figures. */
  result?: LoadResult;
  probes: Probe[];
}

/**
 * The highest request rate a server sustains with p99 within budgetMs, by bisection between 0 and ceiling
 * (a rate it cannot sustain, such as the closed-loop throughput, where a queue grows without end); the first
 * probe is at 80% of it. Stops after `steps` probes, or once the bracket is within `precision` of its top.
 */
export async function sustainedRate(
  probe: (rate: number) => Promise<LoadResult>,
  ceiling: number,
  budgetMs: number,
  { steps = 6, precision = 0.05 } = {},
): Promise<Sustained> {
  let [low, high] = [0, ceiling];
  let best: LoadResult | undefined;
  const probes: Probe[] = [];
  for (let rate = Math.round(0.8 * ceiling); probes.length < steps && rate > 0;) {
    const result = await probe(rate);
    const within =
      result.p99Ms <= budgetMs && result.errors === 0 && result.non2xx === 0 && !result.unanswered;
    probes.push({ rate, p99Ms: result.p99Ms, within, senderLateP99Ms: result.senderLateP99Ms });
    if (within) [low, best] = [rate, result];
    else high = rate;
    if ((high - low) / high <= precision) break;
    rate = Math.round((low + high) / 2);
  }
  return { rate: low, result: best, probes };
}
