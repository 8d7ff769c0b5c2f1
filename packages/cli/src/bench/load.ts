import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  seconds: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A fresh path (and body) for every request. */
  next: () => { path: string; body?: string };
}

/** Drives a server with autocannon (HTTP/1.1 keep-alive, one request in flight per connection). */
export async function load(o: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.seconds,
    method: o.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...o.headers },
    requests: [{ setupRequest: (req) => ({ ...req, ...o.next() }) }],
  });
  return {
    requestsPerSecond: Math.round(result.requests.total / o.seconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    seconds: o.seconds,
  };
}
