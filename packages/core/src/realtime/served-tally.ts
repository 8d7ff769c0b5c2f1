/** What a serving replica answered since its last report to the writer's KPIs. */
export interface ServedSummary {
  /** Answers per placement. */
  served: Record<string, number>;
  fallbacks: number;
  /** A uniform sample of those answers' latencies (all of them when there were few), in ms. */
  latencies: number[];
}

/** Latencies a summary carries: the writer keeps 512 a minute, and a replica reports four times a second. */
const SUMMARY_SAMPLES = 128;

/**
 * A replica's answers tallied in fixed memory between reports. Holding an entry per answer until the report
 * kept each one alive through a young collection or two, so that they reached the old generation: at 9,000
 * answers/s, half of what a replica promoted, and the full collections that follow.
 */
export class ServedTally {
  private served: Record<string, number> = {};
  private answers = 0;
  private fallbacks = 0;
  private readonly latencies = new Float64Array(SUMMARY_SAMPLES);

  record(placement: string, tookMs: number, fallback: boolean): void {
    this.served[placement] = (this.served[placement] ?? 0) + 1;
    if (fallback) this.fallbacks++;
    // Reservoir sampling: the n-th answer replaces a random kept one with probability SUMMARY_SAMPLES / n.
    const slot =
      this.answers < SUMMARY_SAMPLES ? this.answers : Math.floor(Math.random() * (this.answers + 1));
    if (slot < SUMMARY_SAMPLES) this.latencies[slot] = tookMs;
    this.answers++;
  }

  /** The summary since the last one, the tally starting over; undefined when nothing was answered. */
  take(): ServedSummary | undefined {
    if (this.answers === 0) return undefined;
    const summary = {
      served: this.served,
      fallbacks: this.fallbacks,
      latencies: Array.from(this.latencies.subarray(0, Math.min(this.answers, SUMMARY_SAMPLES))),
    };
    this.served = {};
    this.answers = 0;
    this.fallbacks = 0;
    return summary;
  }
}
