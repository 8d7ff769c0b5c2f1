import net from 'node:net';
import type { LoadRequest } from './load.js';
import { percentile } from './percentile.js';
import { numbered } from './sequence.js';

export interface OpenLoopOptions {
  url: string;
  /** Requests per second, due at even intervals whether or not earlier answers have come. */
  rate: number;
  /** Measured seconds, after the warm-up. */
  seconds: number;
  /** Sent at the rate first and not counted: connections open, the JIT of both sides warms up. */
  warmupSeconds: number;
  /** At most this many requests in flight; a request due while all are busy waits, and its wait counts. */
  connections: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  requests: readonly LoadRequest[];
  /** Once the last request is due, how long answers still outstanding are waited for. */
  drainSeconds?: number;
}

export interface OpenLoopResult {
  rate: number;
  /** Answers to measured requests per measured second. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** Measured requests sent. */
  requests: number;
  non2xx: number;
  errors: number;
  /** Measured requests still unanswered at the end of the drain: counted in the percentiles as waiting until then. */
  unanswered: number;
  seconds: number;
  /**
   * How late the generator itself sent the measured requests that found a connection free when they came due
   * (p99 and max): its own stalls (its timer, its collector, its share of the cores), which the latencies
   * above count as they would not for shoppers' browsers. Requests that waited for a connection are left
   * out: that wait is the server's.
   */
  senderLateP99Ms: number;
  senderLateMaxMs: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /^content-length:\s*(\d+)\s*$/im;
/** How often requests that came due are sent: the timer's finest grain (their lateness counts against the server). */
const TICK_MS = 1;

/** The answer's byte length once its head is in, or -1 while it is not; throws on framing it cannot measure. */
function answerLength(buffered: Buffer): number {
  const end = buffered.indexOf(HEADER_END);
  if (end < 0) return -1;
  const head = buffered.toString('latin1', 0, end);
  const length = CONTENT_LENGTH.exec(head);
  if (!length) throw new Error(`an answer without content-length: ${head.split('\r\n')[0]}`);
  return end + HEADER_END.length + Number(length[1]);
}

/** One keep-alive connection carrying one request at a time, timed from when that request was due. */
class Connection {
  private socket: net.Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private due = 0;
  private measured = false;

  constructor(
    url: URL,
    private readonly answered: (c: Connection, ms: number, status: number, measured: boolean) => void,
    private readonly failed: (c: Connection, error: Error, measured: boolean) => void,
  ) {
    this.socket = net.connect(Number(url.port), url.hostname);
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk) => this.receive(chunk));
    // Until it connects, ready() reports what goes wrong.
    this.socket.on('error', (error) => {
      if (this.connected) this.failed(this, error, this.measured);
    });
    this.socket.on('close', () => {
      if (this.due) this.failed(this, new Error('the server closed the connection'), this.measured);
    });
  }

  private connected = false;

  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => {
        this.connected = true;
        resolve();
      });
      this.socket.once('error', reject);
    });
  }

  send(request: Buffer, due: number, measured: boolean): void {
    this.due = due;
    this.measured = measured;
    this.socket.write(request);
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    let length: number;
    try {
      length = answerLength(this.buffered);
    } catch (error) {
      this.socket.destroy();
      return this.failed(this, error as Error, this.measured);
    }
    if (length < 0 || this.buffered.length < length) return;
    const status = Number(this.buffered.toString('latin1', 9, 12));
    this.buffered = this.buffered.subarray(length);
    const due = this.due;
    this.due = 0;
    this.answered(this, performance.now() - due, status, this.measured);
  }

  /** When its unanswered measured request was due, if it has one. */
  pending(): number | undefined {
    return this.due && this.measured ? this.due : undefined;
  }

  close(): void {
    this.due = 0;
    this.socket.destroy();
  }
}

/**
 * Sends requests at a fixed rate, as shoppers do, and times each from when it was due: a server that stalls
 * for 100 ms delays every request due in those 100 ms, and they all count. A closed-loop generator (wrk,
 * autocannon) sends no request while its connections wait, so a stall delays only the requests already in
 * flight ("coordinated omission"), and its latencies describe a load that slows down with the server.
 *
 * Written on node:net rather than an HTTP client library: on the 2 cores the generator shares with the server,
 * undici cost about 58 µs of CPU per request against bare Fastify here, this about 30 µs (wrk, in C: 14 µs).
 * It speaks just the HTTP/1.1 it needs: one request at a time per connection, answers framed by content-length.
 */
export async function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  if (!o.requests.length) throw new Error('a load needs at least one request');
  if (!(o.rate > 0)) throw new Error(`the rate must be positive, not ${o.rate}`);
  const url = new URL(o.url);
  const headers = { host: url.host, 'content-type': 'application/json', ...o.headers };
  const head = (path: string) =>
    `${o.method ?? 'GET'} ${path} HTTP/1.1\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}`;
  // Requests without a body are the same bytes every time they come round: encoded once.
  const encoded = o.requests.map(({ path, body }) =>
    body === undefined ? Buffer.from(`${head(path)}\r\n`) : undefined,
  );
  let sequence = 0;
  const next = (): Buffer => {
    const k = sequence % o.requests.length;
    const n = sequence++;
    const ready = encoded[k];
    if (ready) return ready;
    const body = numbered(o.requests[k].body!, n);
    return Buffer.from(
      `${head(o.requests[k].path)}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  };

  const warmup = Math.round(o.rate * o.warmupSeconds);
  const measuredCount = Math.round(o.rate * o.seconds);
  const total = warmup + measuredCount;
  const latencies = new Float64Array(measuredCount);
  const senderLate = new Float64Array(measuredCount);
  let sentOnTime = 0;
  let answered = 0;
  let finished = 0;
  let non2xx = 0;
  let errors = 0;
  let firstError: Error | undefined;
  let unreachable: Error | undefined;
  /** Requests (their places in the run) due while every connection was busy, oldest first: a ring. */
  const waiting = new Ring();
  /**
   * Idle connections, longest idle first: requests go round all of them, as many shoppers' would. Reusing the
   * last one freed would carry a light load on a few connections, all to one process of a cluster that
   * shares its port by connection.
   */
  const free: Connection[] = [];
  let scheduled = 0;
  let started = 0;
  const dueOf = (index: number) => started + (index * 1000) / o.rate;
  let allDone: () => void = () => {};
  const done = new Promise<void>((resolve) => (allDone = resolve));

  const dispatch = (c: Connection, index: number) => c.send(next(), dueOf(index), index >= warmup);
  const settle = (c: Connection) => {
    if (++finished === total) return allDone();
    if (waiting.size) dispatch(c, waiting.shift());
    else free.push(c);
  };
  const onAnswer = (c: Connection, ms: number, status: number, measured: boolean) => {
    if (measured) {
      latencies[answered++] = ms;
      if (status < 200 || status >= 300) non2xx++;
    }
    settle(c);
  };
  const connections: Connection[] = [];
  const onFailure = (c: Connection, error: Error, measured: boolean) => {
    if (measured) errors++;
    firstError ??= error;
    // The request is lost (an error) and the connection replaced.
    c.close();
    const replacement = new Connection(url, onAnswer, onFailure);
    connections[connections.indexOf(c)] = replacement;
    replacement.ready().then(
      () => settle(replacement),
      (e: Error) => {
        unreachable = e;
        allDone();
      },
    );
  };
  for (let k = 0; k < o.connections; k++) connections.push(new Connection(url, onAnswer, onFailure));
  await Promise.all(connections.map((c) => c.ready()));
  free.push(...connections);

  started = performance.now();
  const tick = () => {
    const dueNow = Math.min(total, Math.floor(((performance.now() - started) * o.rate) / 1000) + 1);
    for (; scheduled < dueNow; scheduled++) {
      const c = free.shift();
      if (!c) waiting.push(scheduled);
      else {
        dispatch(c, scheduled);
        if (scheduled >= warmup) senderLate[sentOnTime++] = performance.now() - dueOf(scheduled);
      }
    }
    if (scheduled < total) timer = setTimeout(tick, TICK_MS);
  };
  let timer = setTimeout(tick, 0);
  const drain = setTimeout(allDone, dueOf(total - 1) - started + (o.drainSeconds ?? 10) * 1000);
  await done;
  const ended = performance.now();
  clearTimeout(timer);
  clearTimeout(drain);
  if (unreachable) {
    for (const c of connections) c.close();
    throw new Error(`the server stopped taking connections: ${unreachable.message}`);
  }
  // Measured requests still unanswered waited at least until now: that much they add to the tail.
  const unansweredWaits: number[] = [];
  for (const c of connections) {
    const due = c.pending();
    if (due !== undefined) unansweredWaits.push(ended - due);
    c.close();
  }
  for (let index = Math.max(warmup, scheduled - waiting.size); index < scheduled; index++)
    unansweredWaits.push(ended - dueOf(index));
  if (answered === 0 && firstError) throw new Error(`no answer came: ${firstError.message}`);

  const sorted = Float64Array.from([...latencies.subarray(0, answered), ...unansweredWaits]).sort();
  const at = (p: number) => (sorted.length ? round(percentile(sorted, p)) : 0);
  const late = senderLate.subarray(0, sentOnTime).sort();
  return {
    rate: o.rate,
    requestsPerSecond: Math.round(answered / o.seconds),
    p50Ms: at(50),
    p99Ms: at(99),
    p999Ms: at(99.9),
    maxMs: sorted.length ? round(sorted[sorted.length - 1]) : 0,
    requests: measuredCount,
    non2xx,
    errors,
    unanswered: unansweredWaits.length,
    seconds: o.seconds,
    senderLateP99Ms: late.length ? round(percentile(late, 99)) : 0,
    senderLateMaxMs: late.length ? round(late[late.length - 1]) : 0,
  };
}

/** A first-in first-out queue of numbers that grows by doubling: shift() is O(1), unlike an array's. */
class Ring {
  private items = new Float64Array(1024);
  private head = 0;
  size = 0;

  push(x: number): void {
    if (this.size === this.items.length) {
      const larger = new Float64Array(2 * this.items.length);
      for (let k = 0; k < this.size; k++) larger[k] = this.items[(this.head + k) % this.items.length];
      this.items = larger;
      this.head = 0;
    }
    this.items[(this.head + this.size++) % this.items.length] = x;
  }

  shift(): number {
    const x = this.items[this.head];
    this.head = (this.head + 1) % this.items.length;
    this.size--;
    return x;
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
