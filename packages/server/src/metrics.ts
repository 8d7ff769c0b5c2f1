import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one server (GET /metrics). */
export function createMetrics() {
  const registry = new Registry();
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
    processorLag: new Gauge({
      name: 'gu_processor_lag_events',
      help: 'Events in the log not yet processed',
      registers: [registry],
    }),
    cacheHits: new Gauge({ name: 'gu_cache_hits', help: 'Recommendation cache hits', registers: [registry] }),
    cacheMisses: new Gauge({
      name: 'gu_cache_misses',
      help: 'Recommendation cache misses',
      registers: [registry],
    }),
    homeListHits: new Gauge({
      name: 'gu_home_list_hits',
      help: "Home requests answered from the shopper's prepared list",
      registers: [registry],
    }),
    homeListMisses: new Gauge({
      name: 'gu_home_list_misses',
      help: "Home requests that ranked the shopper's list on the spot",
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
