/**
 * The server's own account of a load phase, from two scrapes of its /metrics: how many answers of a route it
 * sent within a bound, how long it collected garbage, and how late its event loop ran.
 *
 * wrk times a request from its own side, stalls of the load generator included; the server's histogram times
 * it from routing to the last byte written, leaving out the wait before routing: a garbage collection or a
 * long task between requests delays every connection while no handler runs. The account says which it was.
 */
export interface ServerAccount {
  /** Share of the route's answers sent within 10 ms (the target's bound, PRODUCT.md §8). */
  within10Ms: number;
  /** Seconds spent collecting, by kind (minor: young generation; major: the whole heap; incremental). */
  gcSeconds: Record<string, number>;
  /** How late the event loop ran, sampled every 10 ms (prom-client's monitor, reset by every scrape). */
  eventLoopDelayMs: { p99: number; max: number };
}

const LATENCY = 'gu_http_request_duration_seconds';
/** The monitor's timer fires every 10 ms: its reading is that interval plus the delay. */
const LOOP_RESOLUTION_S = 0.01;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments left out). */
export function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

const sum = (of: Sample[], keep: (s: Sample) => boolean) =>
  of.filter(keep).reduce((total, s) => total + s.value, 0);

/** What the server did between the scrapes `before` and `after`, for one route. */
export function serverAccount(before: string, after: string, route: string): ServerAccount {
  const [b, a] = [samples(before), samples(after)];
  const delta = (keep: (s: Sample) => boolean) => sum(a, keep) - sum(b, keep);
  const ofRoute = (name: string, le?: string) => (s: Sample) =>
    s.name === name && s.labels.route === route && (le === undefined || s.labels.le === le);
  const sent = delta(ofRoute(`${LATENCY}_count`));
  const within10Ms = ofRoute(`${LATENCY}_bucket`, '0.01');
  if (!a.some(within10Ms)) throw new Error(`${LATENCY} has no bucket at 10 ms for ${route}`);
  const gcSeconds: Record<string, number> = {};
  for (const s of a.filter((s) => s.name === 'gu_nodejs_gc_duration_seconds_sum'))
    gcSeconds[s.labels.kind] = delta((x) => x.name === s.name && x.labels.kind === s.labels.kind);
  const loop = (stat: string) => {
    const reading = a.find((s) => s.name === `gu_nodejs_eventloop_lag_${stat}_seconds`)?.value ?? NaN;
    return Math.round(Math.max(0, reading - LOOP_RESOLUTION_S) * 1e5) / 100;
  };
  return {
    within10Ms: sent > 0 ? delta(within10Ms) / sent : NaN,
    gcSeconds,
    eventLoopDelayMs: { p99: loop('p99'), max: loop('max') },
  };
}

/** The sum of a metric's samples: a cluster's /metrics adds its processes up, and so does this over labels. */
export function total(text: string, name: string): number {
  return samples(text)
    .filter((s) => s.name === name)
    .reduce((sum, s) => sum + s.value, 0);
}
