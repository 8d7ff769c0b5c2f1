/**
 * A token bucket: it holds at most `perMinute` tokens and gains them back continuously at `perMinute` a
 * minute, so a burst of up to `perMinute` passes and the sustained rate is the configured one. Each take
 * that finds a whole token spends it.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perMinute: number,
    /** Milliseconds from a monotonic clock; tests pass their own. */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = perMinute;
    this.last = now();
  }

  /** Spends a token: 0 when there was one, else the milliseconds until there will be. */
  take(): number {
    const t = this.now();
    // tokens ← min(capacity, tokens + elapsed · rate), rate = perMinute / 60,000 ms
    this.tokens = Math.min(this.perMinute, this.tokens + ((t - this.last) * this.perMinute) / 60_000);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute);
  }
}

/**
 * One bucket per client, shared by all its connections, so that opening more of them buys no more messages.
 * A bucket outlives its client's last connection by a minute, by which time it would be full again anyway:
 * reconnecting does not refill it.
 */
export class ClientBuckets {
  private readonly buckets = new Map<string, { bucket: TokenBucket; open: number; idle?: NodeJS.Timeout }>();

  constructor(private readonly perMinute: number) {}

  /** The client's bucket, held until the connection closes. */
  open(client: string, connection: { once(event: 'close', listener: () => void): unknown }): TokenBucket {
    let held = this.buckets.get(client);
    if (!held) this.buckets.set(client, (held = { bucket: new TokenBucket(this.perMinute), open: 0 }));
    clearTimeout(held.idle);
    held.open++;
    const entry = held;
    connection.once('close', () => {
      if (--entry.open > 0) return;
      entry.idle = setTimeout(() => this.buckets.delete(client), 60_000);
      entry.idle.unref();
    });
    return held.bucket;
  }

  get size(): number {
    return this.buckets.size;
  }
}
