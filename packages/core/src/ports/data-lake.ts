import type { LoggedEvent } from './event-log.js';

/** How long the lake keeps daily partitions (PRODUCT.md §3). */
export const DATA_LAKE_RETENTION_DAYS = 365;

/**
 * Long-term history in daily partitions (Parquet on S3 in the AWS design), the source of retraining.
 * append may buffer; flush makes everything appended so far readable.
 */
export interface DataLake {
  append(events: readonly LoggedEvent[]): Promise<void>;
  flush(): Promise<void>;
  /** Every event of the partitions from day `from` (YYYY-MM-DD, inclusive) on, in partition order. */
  scan(from?: string): AsyncIterable<LoggedEvent>;
  /** Partition days present, oldest first. */
  partitions(): Promise<string[]>;
  /** Drops partitions older than the given day; resolves with the days dropped. */
  expire(before: string): Promise<string[]>;
  erase(userId: string, sessionIds: readonly string[]): Promise<number>;
  close(): Promise<void>;
}

/** The UTC day of an epoch-ms time, as a partition name. */
export const dayOf = (time: number): string => new Date(time).toISOString().slice(0, 10);

export class MemoryDataLake implements DataLake {
  private days = new Map<string, LoggedEvent[]>();

  async append(events: readonly LoggedEvent[]): Promise<void> {
    for (const e of events) {
      const day = dayOf(e.timestamp);
      this.days.set(day, [...(this.days.get(day) ?? []), e]);
    }
  }
  async flush(): Promise<void> {}
  async *scan(from = ''): AsyncIterable<LoggedEvent> {
    for (const day of await this.partitions()) if (day >= from) yield* this.days.get(day)!;
  }
  async partitions(): Promise<string[]> {
    return [...this.days.keys()].sort();
  }
  async expire(before: string): Promise<string[]> {
    const dropped = (await this.partitions()).filter((d) => d < before);
    for (const d of dropped) this.days.delete(d);
    return dropped;
  }
  async erase(userId: string, sessionIds: readonly string[]): Promise<number> {
    let removed = 0;
    for (const [day, events] of this.days) {
      const kept = events.filter(
        (e) => e.userId !== userId && !(e.sessionId && sessionIds.includes(e.sessionId)),
      );
      removed += events.length - kept.length;
      this.days.set(day, kept);
    }
    return removed;
  }
  async close(): Promise<void> {}
}
