import { browserEnvironment, deviceOf, streamUrl, type TrackerEnvironment } from './environment.js';
import { EventRejectedError, GuApiError } from './errors.js';
import { defaultFetch, requestJson, type HttpOptions } from './http.js';
import { createIdGenerator } from './ids.js';
import { EventQueue, RESEND_WITHIN_MS } from './queue.js';
import { Session } from './session.js';
import { defaultStorage, SafeStorage, type StorageLike } from './storage.js';
import { EventStream, realTimers, type Timers } from './stream.js';
import type { EventContext, EventInput, IngestResult } from './types.js';

export interface TrackerOptions {
  /** Origin of the API; '' (the default) is the page's own. */
  baseUrl?: string;
  /** The public key. */
  apiKey: string;
  /** How long events gather before they are sent together (default 100 ms). */
  flushIntervalMs?: number;
  /** Events per batch (default 100, at most 500); a full batch is sent at once. */
  maxBatch?: number;
  /** Where the session, the user and the offline queue live (default localStorage, else memory). */
  storage?: StorageLike;
  /** The socket class (default the global WebSocket; without one, REST only). */
  WebSocket?: typeof WebSocket;
  fetch?: typeof fetch;
  sendBeacon?: (url: string, data: Blob | string) => boolean;
  /** Clock in epoch ms (default Date.now). */
  now?: () => number;
  /** Overrides of what the tracker detects: device ('mobile' | 'desktop') and locale. */
  context?: { device?: string; locale?: string };
  /** Rejected events, dropped batches, a full queue, a storage that refuses writes, a wrong key. */
  onError?: (e: unknown) => void;
  /** Unacknowledged events kept at most (default 5,000); past it the oldest are dropped. */
  maxQueue?: number;
  /** Delay before the n-th retry: min(maxMs, baseMs·2^(n−1)), jittered down by up to half (1 s, 60 s). */
  retry?: { baseMs?: number; maxMs?: number };
  /** How long a batch may wait for its acknowledgement (default 10 s). */
  ackTimeoutMs?: number;
  /** Timers and randomness for tests. */
  timers?: Timers;
  random?: () => number;
  /** Browser globals (default window, document, location, navigator). */
  env?: TrackerEnvironment;
}

/** What track() takes: an event without id and time, which the tracker adds (and session, user, context). */
export type TrackInput = Omit<EventInput, 'eventId' | 'timestamp'> &
  Partial<Pick<EventInput, 'eventId' | 'timestamp'>>;

/** The server takes at most 500 events per batch; browsers cap a beacon's body near 64 KB. */
const MAX_SERVER_BATCH = 500;
const MAX_BEACON_BYTES = 60_000;

type Outcome = 'acknowledged' | 'retry';

/**
 * The browser tracker (PRODUCT.md §3): events gather for flushIntervalMs and go out in batches over the
 * WebSocket, or `POST /v1/events` when the socket is not open or fails. An event leaves the queue only once
 * the server acknowledged it (accepted, duplicate, or rejected as invalid, the last reported to onError);
 * otherwise it is retried with exponential backoff. The queue is kept in storage, so events survive reloads
 * and offline spells, and is handed to navigator.sendBeacon when the page is hidden or unloaded.
 */
export class Tracker {
  private readonly o: TrackerOptions;
  private readonly http: HttpOptions;
  private readonly timers: Timers;
  private readonly storage: SafeStorage;
  private readonly session: Session;
  private readonly queue: EventQueue;
  private readonly stream?: EventStream;
  private readonly env: TrackerEnvironment;
  private readonly newId: () => string;
  private readonly now: () => number;
  private readonly device?: string;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;

  private flushTimer?: unknown;
  private retryTimer?: unknown;
  private failures = 0;
  private pass?: Promise<void>;
  private readonly inFlight = new Set<string>();
  /** Events handed to sendBeacon during this page's life, not beaconed twice. */
  private readonly beaconed = new Set<string>();
  private persistQueued = false;
  private overflowReported = false;
  private closed = false;
  private readonly listeners: [Pick<EventTarget, 'removeEventListener'>, string, () => void][] = [];

  constructor(o: TrackerOptions) {
    this.o = o;
    this.env = o.env ?? browserEnvironment();
    this.now = o.now ?? Date.now;
    this.timers = o.timers ?? realTimers;
    this.newId = createIdGenerator(this.now);
    this.flushIntervalMs = o.flushIntervalMs ?? 100;
    this.maxBatch = Math.max(1, Math.min(MAX_SERVER_BATCH, o.maxBatch ?? 100));
    this.http = { baseUrl: o.baseUrl ?? '', apiKey: o.apiKey, fetch: o.fetch ?? defaultFetch() };
    this.storage = new SafeStorage(o.storage ?? defaultStorage(), (e) => this.report(e));
    this.session = new Session(this.storage, this.now, this.newId);
    this.queue = new EventQueue(this.storage, this.newId(), o.maxQueue ?? 5000);
    this.device = o.context?.device ?? deviceOf(this.env);

    const WebSocketClass = o.WebSocket ?? (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
    const url = streamUrl(this.http.baseUrl, o.apiKey, this.env);
    if (WebSocketClass && url)
      this.stream = new EventStream({
        url,
        WebSocket: WebSocketClass,
        timers: this.timers,
        ackTimeoutMs: o.ackTimeoutMs ?? 10_000,
        backoff: (n) => this.backoff(n),
        // Back online: what waits for a retry goes now, anything else after the batching window.
        onOpen: () => {
          if (this.retryTimer !== undefined) void this.flush();
          else if (this.queue.length) this.schedule();
        },
      });

    this.listen(this.env.window, 'pagehide', () => this.hidden());
    this.listen(this.env.document, 'visibilitychange', () => {
      if (this.env.document?.visibilityState === 'hidden') this.hidden();
    });
    this.listen(this.env.window, 'online', () => {
      if (this.retryTimer !== undefined) void this.flush();
    });

    this.queue.restore();
    this.dropStale();
    if (this.queue.length) this.schedule();
  }

  // ── Who ───────────────────────────────────────────────────────────────────────────────────────────────

  /** The anonymous session: kept in storage, renewed after 30 minutes without events. */
  get sessionId(): string {
    return this.session.current(false);
  }

  get userId(): string | undefined {
    return this.session.userId;
  }

  set userId(userId: string | undefined) {
    this.session.userId = userId;
  }

  /** Sign-in: following events carry the userId and the sessionId, so the server merges the session. */
  identify(userId: string): void {
    this.userId = userId;
  }

  /** Sign-out: events are anonymous again, in a new session. */
  signOut(): void {
    this.userId = undefined;
    this.session.rotate();
  }

  /** Events queued and not yet acknowledged. */
  get pending(): number {
    return this.queue.length;
  }

  // ── What ──────────────────────────────────────────────────────────────────────────────────────────────

  view(itemId: string, extra?: Partial<EventInput>): void {
    this.track({ ...extra, eventType: 'view', itemId });
  }

  addToCart(itemId: string, quantity = 1, price?: number): void {
    this.track({ eventType: 'add_to_cart', itemId, quantity, price });
  }

  removeFromCart(itemId: string, quantity = 1): void {
    this.track({ eventType: 'remove_from_cart', itemId, quantity });
  }

  /** One purchase event per order line, all with the orderId. */
  /**
   * One purchase event per order line. A line bought from a recommendation list carries that list's
   * recommendationId, so that the revenue is attributed to the widget.
   */
  purchase(
    orderId: string,
    lines: { itemId: string; quantity: number; price: number; recommendationId?: string }[],
  ): void {
    for (const line of lines)
      this.track({
        eventType: 'purchase',
        orderId,
        itemId: line.itemId,
        quantity: line.quantity,
        price: line.price,
        ...(line.recommendationId ? { recommendationId: line.recommendationId } : {}),
      });
  }

  /** One recommendation_impression per item shown, attributed to the served list. */
  impression(recommendationId: string, itemIds: string[]): void {
    for (const itemId of itemIds)
      this.track({ eventType: 'recommendation_impression', recommendationId, itemId });
  }

  click(recommendationId: string, itemId: string): void {
    this.track({ eventType: 'recommendation_click', recommendationId, itemId });
  }

  search(query: string): void {
    this.track({ eventType: 'search', query: query.slice(0, 1000) });
  }

  /** Queues an event, completed with eventId, timestamp, sessionId, userId and context. */
  track(event: TrackInput): void {
    const sessionId = this.session.current(true);
    const userId = event.userId ?? this.userId;
    const full: EventInput = {
      ...event,
      eventId: event.eventId ?? this.newId(),
      timestamp: event.timestamp ?? this.now(),
      sessionId: event.sessionId ?? sessionId,
      ...(userId ? { userId } : {}),
    };
    const context = this.contextOf(event.context);
    if (context) full.context = context;
    else delete full.context;
    for (const key of Object.keys(full) as (keyof EventInput)[])
      if (full[key] === undefined) delete full[key];

    const dropped = this.queue.push(full);
    if (dropped && !this.overflowReported) {
      this.overflowReported = true;
      this.report(new Error(`the offline queue is full: dropped the oldest ${dropped} event(s)`));
    }
    this.persistSoon();
    this.schedule();
  }

  private contextOf(given: EventContext | undefined): EventContext | undefined {
    const locale = this.o.context?.locale ?? this.env.navigator?.language;
    const context: EventContext = {
      ...(this.device ? { device: this.device.slice(0, 64) } : {}),
      ...(this.env.location?.pathname ? { page: this.env.location.pathname.slice(0, 2048) } : {}),
      ...(locale ? { locale: locale.slice(0, 35) } : {}),
      ...given,
    };
    return Object.keys(context).length ? context : undefined;
  }

  // ── Sending ───────────────────────────────────────────────────────────────────────────────────────────

  /** Plans the next send: now for a full batch, else after the batching window; not during backoff. */
  private schedule(): void {
    if (this.closed || this.retryTimer !== undefined) return;
    this.stream?.connect();
    if (this.queue.length - this.inFlight.size >= this.maxBatch) {
      void this.run();
      return;
    }
    if (this.flushTimer === undefined)
      this.flushTimer = this.timers.setTimeout(() => {
        this.flushTimer = undefined;
        void this.run();
      }, this.flushIntervalMs);
  }

  /**
   * Sends every queued event now, skipping any backoff wait. Resolves when they are acknowledged or the
   * attempt failed (they are then retried later); never rejects.
   */
  flush(): Promise<void> {
    this.clearTimers();
    return this.run();
  }

  /** Sends what remains queued, then stops the socket and the listeners. The rest stays in storage. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    this.clearTimers();
    this.stream?.close();
    for (const [target, type, listener] of this.listeners) target.removeEventListener(type, listener);
    this.listeners.length = 0;
    this.queue.save();
  }

  private clearTimers(): void {
    if (this.flushTimer !== undefined) this.timers.clearTimeout(this.flushTimer);
    if (this.retryTimer !== undefined) this.timers.clearTimeout(this.retryTimer);
    this.flushTimer = this.retryTimer = undefined;
  }

  /** One sending pass at a time: batches go out in order, each after the previous one's answer. */
  private async run(): Promise<void> {
    while (this.pass) await this.pass;
    if (this.queue.length === 0) return;
    this.pass = this.sendQueued().finally(() => (this.pass = undefined));
    return this.pass;
  }

  private async sendQueued(): Promise<void> {
    while (this.retryTimer === undefined) {
      this.dropStale();
      const batch = this.queue.events.filter((e) => !this.inFlight.has(e.eventId)).slice(0, this.maxBatch);
      if (!batch.length) return;
      if ((await this.deliver(batch)) === 'retry') {
        this.retryLater();
        return;
      }
    }
  }

  /** One batch over the socket when it is open, else (or when that fails) over REST. */
  private async deliver(batch: EventInput[]): Promise<Outcome> {
    for (const e of batch) this.inFlight.add(e.eventId);
    try {
      let error: unknown;
      if (this.stream?.open) {
        const marked = this.goingOut(batch);
        try {
          return this.acknowledged(batch, await this.stream.send(this.newId(), batch));
        } catch (e) {
          error = e;
          this.answered(marked, e);
        }
      }
      if (!(error instanceof GuApiError) || error.retryable) {
        const marked = this.goingOut(batch);
        try {
          return this.acknowledged(batch, await this.post(batch));
        } catch (e) {
          error = e;
          this.answered(marked, e);
        }
      }
      return this.failed(batch, error);
    } finally {
      for (const e of batch) this.inFlight.delete(e.eventId);
    }
  }

  private async post(batch: EventInput[]): Promise<IngestResult> {
    const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
    const timer = this.timers.setTimeout(() => controller?.abort(), this.o.ackTimeoutMs ?? 10_000);
    try {
      return await requestJson<IngestResult>(this.http, 'POST', '/v1/events', {
        body: batch,
        signal: controller?.signal,
      });
    } finally {
      this.timers.clearTimeout(timer);
    }
  }

  /** The server answered for every event of the batch: all leave the queue, rejected ones are reported. */
  private acknowledged(batch: EventInput[], result: IngestResult): Outcome {
    this.queue.remove(new Set(batch.map((e) => e.eventId)));
    this.failures = 0;
    this.overflowReported = false;
    this.persistSoon();
    for (const r of result.rejected ?? [])
      this.report(new EventRejectedError(batch[r.index], r.errors ?? []));
    return 'acknowledged';
  }

  /**
   * The batch goes out: it may arrive whatever happens next, the page dying before the answer included, so
   * when it first went out is saved first. Returns the ids marked now.
   */
  private goingOut(batch: EventInput[]): string[] {
    const marked = this.queue.markSent(batch, this.now());
    if (marked.length) this.queue.save();
    return marked;
  }

  /** An answer that the server did not take the batch: what goingOut marked was not sent after all. */
  private answered(marked: string[], error: unknown): void {
    const refused =
      error instanceof GuApiError &&
      ((error.status >= 400 && error.status < 500 && error.status !== 408) || error.code === 'NOT_READY');
    if (refused && marked.length) {
      this.queue.unmarkSent(marked);
      this.persistSoon();
    }
  }

  /** Unacknowledged events first sent too long ago to be sent again (RESEND_WITHIN_MS) leave the queue. */
  private dropStale(): void {
    const dropped = this.queue.dropStale(this.now());
    if (!dropped) return;
    this.persistSoon();
    this.report(
      new Error(
        `dropped ${dropped} queued event(s) first sent over ${RESEND_WITHIN_MS / 86_400_000} days ago, ` +
          'unacknowledged: the server may have them and no longer knows their ids',
      ),
    );
  }

  private failed(batch: EventInput[], error: unknown): Outcome {
    if (error instanceof GuApiError) {
      // Every event invalid: an answer about each of them, like a partial success.
      if (error.code === 'INVALID_EVENTS' && Array.isArray(error.details))
        return this.acknowledged(batch, { accepted: 0, duplicates: 0, rejected: error.details });
      // A wrong key or missing permission: the shop must fix its configuration; keep the events meanwhile.
      if (error.status === 401 || error.status === 403) {
        this.report(error);
        return 'retry';
      }
      // The batch itself is refused (malformed, too large): sending it again cannot help.
      if (!error.retryable) {
        this.report(error);
        return this.acknowledged(batch, { accepted: 0, duplicates: 0, rejected: [] });
      }
    }
    return 'retry';
  }

  private retryLater(): void {
    if (this.closed || this.retryTimer !== undefined) return;
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = undefined;
      void this.run();
    }, this.backoff(++this.failures));
  }

  /** min(max, base·2^(n−1)), times a jitter in [0.5, 1] so that many pages do not retry in step. */
  private backoff(attempt: number): number {
    const base = this.o.retry?.baseMs ?? 1000;
    const max = this.o.retry?.maxMs ?? 60_000;
    const delay = Math.min(max, base * 2 ** Math.min(30, attempt - 1));
    return delay * (0.5 + 0.5 * (this.o.random ?? Math.random)());
  }

  // ── Page life ─────────────────────────────────────────────────────────────────────────────────────────

  private listen(
    target: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | undefined,
    type: string,
    listener: () => void,
  ): void {
    if (!target) return;
    target.addEventListener(type, listener);
    this.listeners.push([target, type, listener]);
  }

  /** Writes the queue once, after the current task, however many events it gathered. */
  private persistSoon(): void {
    if (this.persistQueued) return;
    this.persistQueued = true;
    queueMicrotask(() => {
      this.persistQueued = false;
      this.queue.save();
    });
  }

  /**
   * The page is hidden or going away: hand what was not acknowledged to sendBeacon, which outlives the page,
   * and save the queue. The events stay queued until acknowledged, so the next page (or this one, if it comes
   * back) sends them again; the server drops the duplicates by eventId, for as long as it knows them
   * (RESEND_WITHIN_MS), so the queue is saved with when they went out.
   */
  private hidden(): void {
    this.dropStale();
    const beacon = this.o.sendBeacon ?? this.defaultBeacon();
    const events = this.queue.events.filter((e) => !this.beaconed.has(e.eventId));
    const url = `${this.http.baseUrl.replace(/\/+$/, '')}/v1/events?key=${encodeURIComponent(this.o.apiKey)}`;
    if (beacon)
      for (const chunk of beaconChunks(events, this.maxBatch)) {
        const body = JSON.stringify(chunk);
        const data = typeof Blob === 'function' ? new Blob([body], { type: 'application/json' }) : body;
        let sent = false;
        try {
          sent = beacon(url, data);
        } catch {
          sent = false;
        }
        if (!sent) break; // the browser's beacon budget is spent: the queue keeps them
        for (const e of chunk) this.beaconed.add(e.eventId);
        this.queue.markSent(chunk, this.now());
      }
    this.queue.save();
  }

  private defaultBeacon(): ((url: string, data: Blob | string) => boolean) | undefined {
    const navigator = this.env.navigator;
    return typeof navigator?.sendBeacon === 'function' ? navigator.sendBeacon.bind(navigator) : undefined;
  }

  private report(error: unknown): void {
    try {
      this.o.onError?.(error);
    } catch {
      // a failing handler must not stop tracking
    }
  }
}

/** Splits events into beacons of at most maxBatch events and about MAX_BEACON_BYTES of JSON. */
export function beaconChunks(events: EventInput[], maxBatch: number): EventInput[][] {
  const chunks: EventInput[][] = [];
  let chunk: EventInput[] = [];
  let bytes = 2;
  for (const e of events) {
    const size = JSON.stringify(e).length + 1;
    if (chunk.length && (chunk.length >= maxBatch || bytes + size > MAX_BEACON_BYTES)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 2;
    }
    chunk.push(e);
    bytes += size;
  }
  if (chunk.length) chunks.push(chunk);
  return chunks;
}
