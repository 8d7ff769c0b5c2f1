import type { SafeStorage } from './storage.js';
import type { EventInput } from './types.js';

/** The owners (tracker instances) whose queues are in storage. */
const INDEX_KEY = 'gu.queues';
const queueKey = (owner: string) => `gu.queue.${owner}`;

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

  constructor(
    private readonly storage: SafeStorage,
    private readonly owner: string,
    private readonly max: number,
  ) {}

  get length(): number {
    return this.events.length;
  }

  /** Adopts the queues left in storage; returns how many events were restored. */
  restore(): number {
    const byId = new Map<string, EventInput>();
    for (const owner of this.index()) {
      const events = this.storage.getJson<unknown>(queueKey(owner));
      if (Array.isArray(events))
        for (const e of events as EventInput[])
          if (e && typeof e.eventId === 'string' && !byId.has(e.eventId)) byId.set(e.eventId, e);
      if (owner !== this.owner) this.storage.remove(queueKey(owner));
    }
    // Interleaves the queues of several pages by time; the sort is stable, so one page keeps its order.
    const time = (e: EventInput) => (typeof e.timestamp === 'number' ? e.timestamp : Date.parse(e.timestamp));
    const restored = [...byId.values()].sort((a, b) => time(a) - time(b) || 0);
    this.events = [...restored, ...this.events].slice(-this.max);
    this.storage.set(INDEX_KEY, JSON.stringify([]));
    this.save();
    return restored.length;
  }

  /** Appends an event; returns how many old events were dropped to stay within the bound. */
  push(event: EventInput): number {
    this.events.push(event);
    const over = this.events.length - this.max;
    if (over > 0) this.events.splice(0, over);
    return Math.max(0, over);
  }

  /** Removes acknowledged events. */
  remove(eventIds: ReadonlySet<string>): void {
    this.events = this.events.filter((e) => !eventIds.has(e.eventId));
  }

  /** Writes the queue to storage (and removes it there once empty). */
  save(): void {
    const owners = this.index().filter((o) => o !== this.owner);
    if (this.events.length) {
      this.storage.set(queueKey(this.owner), JSON.stringify(this.events));
      owners.push(this.owner);
    } else this.storage.remove(queueKey(this.owner));
    this.storage.set(INDEX_KEY, JSON.stringify(owners));
  }

  private index(): string[] {
    const owners = this.storage.getJson<unknown>(INDEX_KEY);
    return Array.isArray(owners) ? owners.filter((o): o is string => typeof o === 'string') : [];
  }
}
