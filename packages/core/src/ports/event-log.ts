import type { ShopEvent } from '../domain/events.js';

/** An event with its position in the log. Offsets start at 1 and only grow. */
export interface LoggedEvent extends ShopEvent {
  offset: number;
}

export interface AppendResult {
  /** Events newly written. */
  appended: number;
  /** eventIds already in the log (or repeated within the batch): accepted again, stored once. */
  duplicates: string[];
}

/**
 * The durable, ordered event log every accepted event goes through (Kinesis in the AWS design). append
 * resolves only once the events would survive a crash of the process; read replays them in order.
 */
export interface EventLog {
  append(events: readonly ShopEvent[]): Promise<AppendResult>;
  /** Up to limit events with offset > after, in offset order. */
  read(after: number, limit: number): Promise<LoggedEvent[]>;
  /** The offset of the newest event (0 when empty). */
  last(): Promise<number>;
  /** Erasure: removes every event of the user and of the sessions; resolves with how many. */
  erase(userId: string, sessionIds: readonly string[]): Promise<number>;
  /**
   * Retention: drops the oldest events, in offset order, up to the first received at or after `before` or
   * past offset upTo (what the consumers have checkpointed); resolves with how many. Offsets are not reused.
   */
  trim(before: number, upTo: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * How long the log keeps events once they are processed (Kinesis keeps a stream's records 1 to 365 days): a
 * consumer can replay a week, and an eventId is recognised as a duplicate for a week. One sent again after
 * that is a new event in the log; the event store and training still keep it once.
 */
export const EVENT_LOG_RETENTION_MS = 7 * 86_400_000;

/** The log in memory: for tests and for trying things out. Nothing survives the process. */
export class MemoryEventLog implements EventLog {
  private events: LoggedEvent[] = [];
  private ids = new Set<string>();
  private next = 1;

  async append(events: readonly ShopEvent[]): Promise<AppendResult> {
    const duplicates: string[] = [];
    for (const e of events) {
      if (this.ids.has(e.eventId)) duplicates.push(e.eventId);
      else {
        this.ids.add(e.eventId);
        this.events.push({ ...e, offset: this.next++ });
      }
    }
    return { appended: events.length - duplicates.length, duplicates };
  }

  async read(after: number, limit: number): Promise<LoggedEvent[]> {
    const start = this.events.findIndex((e) => e.offset > after);
    return start < 0 ? [] : this.events.slice(start, start + limit);
  }

  async last(): Promise<number> {
    return this.next - 1;
  }

  async erase(userId: string, sessionIds: readonly string[]): Promise<number> {
    const sessions = new Set(sessionIds);
    const before = this.events.length;
    this.events = this.events.filter(
      (e) => e.userId !== userId && !(e.sessionId && sessions.has(e.sessionId)),
    );
    return before - this.events.length;
  }

  async trim(before: number, upTo: number): Promise<number> {
    let n = 0;
    while (n < this.events.length && this.events[n].offset <= upTo && this.events[n].receivedAt < before) n++;
    for (const e of this.events.slice(0, n)) this.ids.delete(e.eventId);
    this.events = this.events.slice(n);
    return n;
  }

  async close(): Promise<void> {}
}
