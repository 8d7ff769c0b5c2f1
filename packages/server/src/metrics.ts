import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Gu } from '@gu/core';

/**
 * Prometheus metrics of one server process (GET /metrics). The gauges read the Gu they watch when scraped,
 * so that a cluster's supervisor, which asks every process for its metrics, gets current figures.
 */
export function createMetrics() {
  const registry = new Registry();
  const watched: { gu?: Gu } = {};
  /** A gauge set from the watched Gu at each scrape. */
  const reading = (
    name: string,
    help: string,
    read: (gu: Gu) => number | Promise<number>,
    aggregator: 'sum' | 'max' = 'sum',
  ) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      aggregator,
      async collect() {
        if (watched.gu) this.set(await read(watched.gu));
      },
    });
  collectDefaultMetrics({ register: registry, prefix: 'gu_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'gu_http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    }),
    eventsAccepted: new Counter({
      name: 'gu_events_accepted_total',
      help: 'New events durably appended to the log (duplicates not counted), by channel',
      labelNames: ['channel'],
      registers: [registry],
    }),
    eventsRejected: new Counter({
      name: 'gu_events_rejected_total',
      help: 'Events rejected by validation, by channel',
      labelNames: ['channel'],
      registers: [registry],
    }),
    eventsProcessed: new Counter({
      name: 'gu_events_processed_total',
      help: 'Events consumed by the stream processor',
      registers: [registry],
    }),
    recommendations: new Counter({
      name: 'gu_recommendations_total',
      help: 'Recommendation answers by placement and whether they fell back',
      labelNames: ['placement', 'fallback'],
      registers: [registry],
    }),
    modelErrors: new Counter({
      name: 'gu_model_errors_total',
      help: 'Failures of the model path (answered by the fallback)',
      registers: [registry],
    }),
    processorLag: reading(
      'gu_processor_lag_events',
      'Events in the log not yet processed (the most behind process of a cluster)',
      async (gu) => (await gu.status()).lag,
      'max',
    ),
    cacheHits: reading('gu_cache_hits', 'Recommendation cache hits', (gu) => gu.cacheStats.hits),
    cacheMisses: reading('gu_cache_misses', 'Recommendation cache misses', (gu) => gu.cacheStats.misses),
    homeListHits: reading(
      'gu_home_list_hits',
      "Home requests answered from the shopper's prepared list",
      (gu) => gu.homeLists.hits,
    ),
    homeListMisses: reading(
      'gu_home_list_misses',
      "Home requests that ranked the shopper's list on the spot",
      (gu) => gu.homeLists.misses,
    ),
    /** Makes the gauges read this Gu. */
    watch(gu: Gu) {
      watched.gu = gu;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
