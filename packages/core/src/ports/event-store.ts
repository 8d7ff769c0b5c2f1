import type { ShopEvent } from '../domain/events.js';
import { shopperKey } from '../domain/events.js';

/** How long the per-shopper timeline keeps events (PRODUCT.md §3). */
export const EVENT_STORE_TTL_MS = 30 * 86_400_000;

/**
 * Each shopper's recent timeline (DynamoDB in the AWS design), keyed by shopperKey ("u:id" or "s:id").
 * Writes are idempotent on eventId: a replayed event is stored once.
 */
export interface EventStore {
  add(events: readonly ShopEvent[]): Promise<void>;
  /** The shopper's newest events, at most limit, oldest first. */
  timeline(shopper: string, limit: number): Promise<ShopEvent[]>;
  /** Every stored event at or after since, in time order (to rebuild real-time state on start). */
  since(since: number): AsyncIterable<ShopEvent>;
  /** Moves a session's events to a user (login merges the anonymous history). */
  merge(sessionId: string, userId: string): Promise<void>;
  /** Deletes events older than before; resolves with how many. */
  expire(before: number): Promise<number>;
  erase(shoppers: readonly string[]): Promise<number>;
  close(): Promise<void>;
}

export class MemoryEventStore implements EventStore {
  private byShopper = new Map<string, ShopEvent[]>();
  private ids = new Set<string>();

  async add(events: readonly ShopEvent[]): Promise<void> {
    for (const e of events) {
      if (this.ids.has(e.eventId)) continue;
      this.ids.add(e.eventId);
      const key = shopperKey(e);
      const list = this.byShopper.get(key) ?? [];
      list.push(e);
      list.sort((a, b) => a.timestamp - b.timestamp);
      this.byShopper.set(key, list);
    }
  }

  async timeline(shopper: string, limit: number): Promise<ShopEvent[]> {
    return (this.byShopper.get(shopper) ?? []).slice(-limit);
  }

  async *since(since: number): AsyncIterable<ShopEvent> {
    const all = [...this.byShopper.values()].flat().filter((e) => e.timestamp >= since);
    yield* all.sort((a, b) => a.timestamp - b.timestamp);
  }

  async merge(sessionId: string, userId: string): Promise<void> {
    const moved = this.byShopper.get(`s:${sessionId}`);
    if (!moved) return;
    this.byShopper.delete(`s:${sessionId}`);
    const target = [...(this.byShopper.get(`u:${userId}`) ?? []), ...moved.map((e) => ({ ...e, userId }))];
    this.byShopper.set(
      `u:${userId}`,
      target.sort((a, b) => a.timestamp - b.timestamp),
    );
  }

  async expire(before: number): Promise<number> {
    let removed = 0;
    for (const [key, list] of this.byShopper) {
      const kept = list.filter((e) => e.timestamp >= before);
      removed += list.length - kept.length;
      if (kept.length) this.byShopper.set(key, kept);
      else this.byShopper.delete(key);
    }
    return removed;
  }

  async erase(shoppers: readonly string[]): Promise<number> {
    let removed = 0;
    for (const s of shoppers) {
      removed += this.byShopper.get(s)?.length ?? 0;
      this.byShopper.delete(s);
    }
    return removed;
  }

  async close(): Promise<void> {}
}
