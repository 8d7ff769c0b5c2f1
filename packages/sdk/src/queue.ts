import type { SafeStorage } from './storage.js';
import type { EventInput } from './types.js';

/** The owners (tracker instances) whose queues are in storage. */
const INDEX_KEY = 'gu.queues';
const queueKey = (owner: string) => `gu.queue.${owner}`;
/** Beside a queue (a bare array, which trackers before it read too): when its events first went out. */
const sentKey = (owner: string) => `gu.sent.${owner}`;

/**
 * How long after it was first sent an unacknowledged event may still be sent again. The server knows an
 * event id for a week (its log's retention): an event sent longer ago, whose answer never came, may have
 * arrived, and sent again it would count twice. A day short of the week, for the clocks of a device.
 */
export const RESEND_WITHIN_MS = 6 * 86_400_000;

/**
 * The events not yet acknowledged, oldest first, persisted in storage so they survive a reload, a crash or
 * going offline. Bounded: past `max` events the oldest are dropped.
 *
 * Each tracker instance writes its own key, listed in an index, so that two tabs of the shop do not
 * overwrite each other's queue. A new tracker adopts every queue in storage: those of closed pages are
 * then sent by it; one of a page still open is sent by both, which is harmless because the server
 * deduplicates by eventId.
 */
export class EventQueue {
  events: EventInput[] = [];
  /** When each queued event was first handed to the network (socket, POST or beacon), by event id. */
  private readonly sent = new Map<string, number>();

  constructor(
    private readonly storage: SafeStorage,
    private readonly owner: string,
    private readonly max: number,
  ) {}

  get length(): number {
    return this.events.length;
  }

  /** Adopts the queues left in storage, with when their events first went out; returns how many it took. */
  restore(): number {
    const byId = new Map<string, EventInput>();
    for (const owner of this.index()) {
      const events = this.storage.getJson<unknown>(queueKey(owner));
      const sent = this.storage.getJson<Record<string, unknown>>(sentKey(owner)) ?? {};
      if (Array.isArray(events))
        for (const e of events as EventInput[]) {
          if (!e || typeof e.eventId !== 'string' || byId.has(e.eventId)) continue;
          byId.set(e.eventId, e);
          const at = sent[e.eventId];
          if (typeof at === 'number') this.sent.set(e.eventId, at);
        }
      if (owner !== this.owner) {
        this.storage.remove(queueKey(owner));
        this.storage.remove(sentKey(owner));
      }
    }
    // Interleaves the queues of several pages by time; the sort is stable, so one page keeps its order.
    const time = (e: EventInput) => (typeof e.timestamp === 'number' ? e.timestamp : Date.parse(e.timestamp));
    const restored = [...byId.values()].sort((a, b) => time(a) - time(b) || 0);
    this.events = [...restored, ...this.events].slice(-this.max);
    const kept = new Set(this.events.map((e) => e.eventId));
    for (const id of this.sent.keys()) if (!kept.has(id)) this.sent.delete(id);
    this.storage.set(INDEX_KEY, JSON.stringify([]));
    this.save();
    return restored.length;
  }

  /**
   * Drops the events first sent before `now - RESEND_WITHIN_MS` and never acknowledged: the server may have
   * them and no longer knows their ids. Returns how many.
   */
  dropStale(now: number): number {
    const stale = new Set<string>();
    for (const [id, at] of this.sent) if (now - at > RESEND_WITHIN_MS) stale.add(id);
    if (stale.size) this.remove(stale);
    return stale.size;
  }

  /**
   * The events are going out now: the first time for some, whose time is kept until acknowledged. Returns
   * the ids marked now, for unmarkSent should the server answer that it did not take them.
   */
  markSent(events: readonly EventInput[], at: number): string[] {
    const marked: string[] = [];
    for (const e of events)
      if (!this.sent.has(e.eventId)) {
        this.sent.set(e.eventId, at);
        marked.push(e.eventId);
      }
    return marked;
  }

  unmarkSent(eventIds: readonly string[]): void {
    for (const id of eventIds) this.sent.delete(id);
  }

  /** Appends an event; returns how many old events were dropped to stay within the bound. */
  push(event: EventInput): number {
    this.events.push(event);
    const over = this.events.length - this.max;
    if (over > 0) for (const e of this.events.splice(0, over)) this.sent.delete(e.eventId);
    return Math.max(0, over);
  }

  /** Removes acknowledged events. */
  remove(eventIds: ReadonlySet<string>): void {
    this.events = this.events.filter((e) => !eventIds.has(e.eventId));
    for (const id of eventIds) this.sent.delete(id);
  }

  /** Writes the queue to storage (and removes it there once empty). */
  save(): void {
    const owners = this.index().filter((o) => o !== this.owner);
    if (this.events.length) {
      this.storage.set(queueKey(this.owner), JSON.stringify(this.events));
      const sent: Record<string, number> = {};
      for (const e of this.events) {
        const at = this.sent.get(e.eventId);
        if (at !== undefined) sent[e.eventId] = at;
      }
      this.storage.set(sentKey(this.owner), JSON.stringify(sent));
      owners.push(this.owner);
    } else {
      this.storage.remove(queueKey(this.owner));
      this.storage.remove(sentKey(this.owner));
    }
    this.storage.set(INDEX_KEY, JSON.stringify(owners));
  }

  private index(): string[] {
    const owners = this.storage.getJson<unknown>(INDEX_KEY);
    return Array.isArray(owners) ? owners.filter((o): o is string => typeof o === 'string') : [];
  }
}
