import type { AppendResult, EventLog, LoggedEvent, ShopEvent } from '@gu/core';
import type { Statement } from 'better-sqlite3';
import type { SharedDb } from './db.js';

type Row = [eventId: string, userId: string | null, sessionId: string | null, body: string];
interface Waiter {
  rows: Row[];
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/** Events examined and deleted per step of trim. */
const TRIM_CHUNK = 5000;

/**
 * The durable event log in SQLite. append resolves only after its transaction is committed with
 * synchronous=FULL. Group commit: appends arriving while the event loop is busy (a commit blocks it) are
 * queued and committed together on the next turn, so concurrent small batches share one fsync.
 */
export class SqliteEventLog implements EventLog {
  /** Transactions committed: with group commit, far fewer than append calls. */
  commits = 0;
  private readonly db;
  private queue: Waiter[] = [];
  private scheduled = false;
  private closed = false;
  private readonly insert: Statement<[number, ...Row]>;
  private readonly after: Statement<[number, number], [number, string]>;
  private readonly high: Statement<[], number>;
  private readonly commitGroup: (waiters: Waiter[]) => AppendResult[];

  constructor(private readonly shared: SharedDb) {
    this.db = shared.retain();
    // Offsets are given here rather than by AUTOINCREMENT, which burns a number on every ignored
    // duplicate. event_log_high keeps the highest offset given when erasure deletes the newest events,
    // so an offset is never reused.
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS event_log (
        pos INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL UNIQUE,
        user_id TEXT,
        session_id TEXT,
        body TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS event_log_user ON event_log (user_id) WHERE user_id IS NOT NULL;
      CREATE INDEX IF NOT EXISTS event_log_session ON event_log (session_id) WHERE session_id IS NOT NULL;
      CREATE TABLE IF NOT EXISTS event_log_high (id INTEGER PRIMARY KEY CHECK (id = 1), pos INTEGER NOT NULL);
    `);
    this.insert = this.db.prepare<[number, ...Row]>(
      'INSERT OR IGNORE INTO event_log (pos, event_id, user_id, session_id, body) VALUES (?, ?, ?, ?, ?)',
    );
    this.after = this.db
      .prepare<[number, number], [number, string]>(
        'SELECT pos, body FROM event_log WHERE pos > ? ORDER BY pos LIMIT ?',
      )
      .raw();
    this.high = this.db
      .prepare<[], number>(
        `SELECT max(coalesce((SELECT max(pos) FROM event_log), 0),
                    coalesce((SELECT pos FROM event_log_high), 0))`,
      )
      .pluck();
    // An ignored insert is a duplicate: of an older event, of one earlier in the batch or in another batch
    // of the group. IMMEDIATE takes the write lock first, so no other process can take the same offsets.
    this.commitGroup = this.db.transaction((waiters: Waiter[]) => {
      let next = this.high.get()! + 1;
      return waiters.map(({ rows }) => {
        const duplicates: string[] = [];
        for (const row of rows)
          if (this.insert.run(next, ...row).changes === 1) next++;
          else duplicates.push(row[0]);
        return { appended: rows.length - duplicates.length, duplicates };
      });
    }).immediate;
  }

  append(events: readonly ShopEvent[]): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('event log is closed'));
    let rows: Row[];
    try {
      rows = events.map((e) => [e.eventId, e.userId ?? null, e.sessionId ?? null, JSON.stringify(e)]);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.commitPending);
      }
    });
  }

  /** Commits every queued append in one transaction, then acknowledges them. */
  private readonly commitPending = (): void => {
    this.scheduled = false;
    const waiters = this.queue;
    if (!waiters.length) return;
    this.queue = [];
    let results: AppendResult[];
    try {
      results = this.commitGroup(waiters);
      this.commits++;
    } catch (error) {
      for (const w of waiters) w.reject(error);
      return;
    }
    waiters.forEach((w, i) => w.resolve(results[i]));
  };

  async read(after: number, limit: number): Promise<LoggedEvent[]> {
    if (limit <= 0) return [];
    return this.after.all(after, limit).map(([pos, body]) => {
      const event = JSON.parse(body) as LoggedEvent;
      event.offset = pos;
      return event;
    });
  }

  async last(): Promise<number> {
    return this.high.get()!;
  }

  async erase(userId: string, sessionIds: readonly string[]): Promise<number> {
    this.commitPending(); // queued events of the user must not survive the erasure
    const byUser = this.db.prepare('DELETE FROM event_log WHERE user_id = ?');
    const bySession = this.db.prepare('DELETE FROM event_log WHERE session_id = ?');
    return this.db
      .transaction(() => {
        this.keepHigh();
        return sessionIds.reduce((n, s) => n + bySession.run(s).changes, byUser.run(userId).changes);
      })
      .immediate();
  }

  /**
   * Walks the oldest events a chunk at a time and deletes each chunk's prefix in a transaction of its own,
   * yielding between chunks: an hour's worth of events or a first run's backlog never holds the event loop
   * (and so serving) for long.
   */
  async trim(before: number, upTo: number): Promise<number> {
    const oldest = this.db
      .prepare<[number, number], [number, number]>(
        "SELECT pos, json_extract(body, '$.receivedAt') FROM event_log WHERE pos <= ? ORDER BY pos LIMIT ?",
      )
      .raw();
    const drop = this.db.transaction((last: number) => {
      this.keepHigh();
      return this.db.prepare('DELETE FROM event_log WHERE pos <= ?').run(last).changes;
    }).immediate;
    let removed = 0;
    for (;;) {
      const rows = oldest.all(upTo, TRIM_CHUNK);
      let k = 0;
      while (k < rows.length && rows[k][1] < before) k++;
      if (k > 0) removed += drop(rows[k - 1][0]);
      if (k < TRIM_CHUNK || this.closed) return removed;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Records the highest offset given, before events are deleted: the next append continues above it. */
  private keepHigh(): void {
    this.db.prepare('INSERT OR REPLACE INTO event_log_high (id, pos) VALUES (1, ?)').run(this.high.get());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.commitPending();
    this.closed = true;
    this.shared.release();
  }
}
