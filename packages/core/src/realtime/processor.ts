import { shopperKey, type ShopEvent } from '../domain/events.js';
import type { LoggedEvent } from '../ports/event-log.js';
import { EVENT_STORE_TTL_MS } from '../ports/event-store.js';
import type { Stores } from '../ports/stores.js';
import type { LiveModel } from '../models/live-model.js';
import type { ShopperStates } from './shopper-states.js';

const POSITION_KEY = 'processor.position';
/** A rebuild from a month of events takes a while at start (about 90,000 events a second here): told this often. */
const PROGRESS_EVERY = 500_000;

export interface ProcessorOptions {
  batchSize?: number;
  /** The lake is flushed and the position saved at least this often (and on stop). */
  checkpointEveryMs?: number;
  now?: () => number;
  /** Told of every processed batch (metrics); a batch replayed after a restart is told again. */
  onBatch?: (events: readonly LoggedEvent[]) => void;
  /**
   * Told of every event as the shopper state takes it, once: on start those it is rebuilt from (the 30-day
   * event store, in time order), then each new one from the log; a replay after a restart is not told again.
   */
  onApply?: (event: ShopEvent) => void;
  /**
   * Told when a session that signs in becomes its user (shopperKeys), as the event store files its events then:
   * on start the store has them filed already, and nothing is told.
   */
  onMerge?: (session: string, user: string) => void;
  onError?: (error: unknown) => void;
  /**
   * A follower (a serving replica) derives the in-memory state, shopper states and the serving models'
   * statistics, from a log that another process owns and persists: it writes no store and saves no position.
   */
  follower?: boolean;
}

/**
 * Consumes the event log in order and brings everything derived from it up to date: the shopper's real-time
 * state, the serving models' incremental statistics, the 30-day event store and the data lake. It runs in
 * the serving process, woken by every append, so an acknowledged event shows in recommendations within
 * milliseconds. After a crash it resumes from the last checkpoint: the event store is idempotent on eventId,
 * state and models skip offsets they already hold, and the lake, which may hold a replayed event twice, is
 * read through an eventId filter by training; so replays change no result (effectively once).
 */
export class StreamProcessor {
  /** Offset of the newest event processed. */
  position = 0;
  /** The position last recorded (what a restart resumes from): the log before it may be trimmed. */
  checkpointed = 0;
  /** Why the last pass woken by an append failed; undefined once a pass succeeds (readiness reports it). */
  failure?: string;
  /** Shopper state holds events up to this offset (rebuilt from the event store, then each event applied). */
  private stateUpTo = 0;
  private running?: Promise<void>;
  /** The pass in progress: passes never overlap, whoever asks for them (wake, drain, start). */
  private lock: Promise<void> = Promise.resolve();
  private again = false;
  private lastCheckpoint = 0;
  private stopped = false;

  constructor(
    private readonly stores: Stores,
    private readonly states: ShopperStates,
    /** Every model that serves (a recipe's, an experiment's): each is kept up to date with the log. */
    private readonly models: () => Iterable<LiveModel | undefined>,
    private readonly options: ProcessorOptions = {},
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /**
   * Rebuilds shopper state from the event store's events at or after `horizon` (all it keeps, by default)
   * and resumes from the saved position. Told of the events rebuilt from every PROGRESS_EVERY, and once at
   * the end of those and of the log's events past the saved position.
   */
  async start(
    horizon = this.now() - EVENT_STORE_TTL_MS,
    progress?: (step: 'rebuilding' | 'rebuilt' | 'caught up', events: number) => void,
  ): Promise<void> {
    let rebuilt = 0;
    for await (const e of this.stores.events.since(horizon)) {
      this.states.apply(shopperKey(e), e);
      this.options.onApply?.(e);
      const offset = (e as Partial<LoggedEvent>).offset ?? 0;
      this.stateUpTo = Math.max(this.stateUpTo, offset);
      if (++rebuilt % PROGRESS_EVERY === 0) progress?.('rebuilding', rebuilt);
    }
    progress?.('rebuilt', rebuilt);
    this.position = (await this.stores.meta.get<number>(POSITION_KEY)) ?? 0;
    this.checkpointed = this.position;
    this.lastCheckpoint = this.now();
    progress?.('caught up', await this.drain());
  }

  /** Asks for the log to be consumed up to its end; calls while a pass runs are coalesced into one more. */
  wake(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.drain();
        } while (this.again && !this.stopped);
        this.failure = undefined;
      } catch (error) {
        this.failure = error instanceof Error ? error.message : String(error);
        this.options.onError?.(error);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /**
   * Processes everything in the log now; resolves when the log is consumed. Calls made while a pass runs wait
   * for it and then run their own, so two passes never read the same position and apply an event twice.
   */
  drain(): Promise<number> {
    return this.exclusive(() => this.consume());
  }

  /** Consumes the log to its end, then runs fn before any further pass (erasure: nothing slips in between). */
  drainThen<T>(fn: () => Promise<T> | T): Promise<T> {
    return this.exclusive(async () => {
      await this.consume();
      return fn();
    });
  }

  /**
   * Runs fn between passes: no event is processed meanwhile. Loading a model (which replays the log up to the
   * position) and swapping it in happen this way, so that every batch reaches the old model or the new one.
   * fn must not wait for a pass itself (drain, wake): that would wait for itself.
   */
  exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.lock.then(fn);
    this.lock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Consumes the log to its end; answers how many events that was. */
  private async consume(): Promise<number> {
    const size = this.options.batchSize ?? 2000;
    let consumed = 0;
    for (;;) {
      const batch = await this.stores.log.read(this.position, size);
      if (!batch.length) break;
      await this.process(batch);
      consumed += batch.length;
      if (batch.length < size) break;
      // Embedded stores answer at once, so without this a backlog would be consumed in one turn of the
      // event loop, holding back every acknowledgement and answer meanwhile (seconds under full ingest).
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (this.now() - this.lastCheckpoint >= (this.options.checkpointEveryMs ?? 5000)) await this.checkpoint();
    return consumed;
  }

  private async process(batch: readonly LoggedEvent[]): Promise<void> {
    const recentBefore = new Map<number, readonly string[]>();
    const persist = !this.options.follower;
    let stored = 0;
    for (const [i, e] of batch.entries()) {
      if (e.userId && e.sessionId && this.states.get(`s:${e.sessionId}`)) {
        // An anonymous session signs in: its history becomes the user's wherever it is kept by shopper.
        this.states.merge(`s:${e.sessionId}`, `u:${e.userId}`);
        this.options.onMerge?.(`s:${e.sessionId}`, `u:${e.userId}`);
        // The session's events of this batch go to the event store first, so that the login moves them too.
        if (persist) {
          await this.stores.events.add(batch.slice(stored, i));
          stored = i;
          await this.stores.events.merge(e.sessionId, e.userId);
          await this.stores.users.linkSession(e.userId, e.sessionId);
        }
      }
      const key = shopperKey(e);
      recentBefore.set(e.offset, this.states.recentItems(key));
      // A batch retried after a failure, or replayed after a restart, is not applied to the state again.
      if (e.offset > this.stateUpTo) {
        this.states.apply(key, e);
        this.options.onApply?.(e);
        this.stateUpTo = e.offset;
      }
    }
    for (const model of this.models()) model?.update(batch, (e) => recentBefore.get(e.offset) ?? []);
    if (persist) {
      await this.stores.events.add(batch.slice(stored));
      await this.stores.lake.append(batch);
    }
    this.position = batch[batch.length - 1].offset;
    this.options.onBatch?.(batch);
  }

  /** Makes the lake durable up to the position, then records the position (a follower has neither). */
  async checkpoint(): Promise<void> {
    if (this.options.follower) return;
    await this.stores.lake.flush();
    const position = this.position;
    await this.stores.meta.set(POSITION_KEY, position);
    this.checkpointed = position;
    this.lastCheckpoint = this.now();
  }

  /**
   * The log offset the lake is complete up to, for training: a writer's position, once a checkpoint has
   * flushed the lake; for a follower, the position its writer last recorded, which the writer records only
   * after flushing the lake (what it processed since may still be in its memory, unwritten).
   */
  async lakeCompleteUpTo(): Promise<number> {
    if (this.options.follower) return (await this.stores.meta.get<number>(POSITION_KEY)) ?? 0;
    await this.checkpoint();
    return this.position;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    await this.lock;
    await this.checkpoint();
  }
}
