import { shopperKey, type EventStore, type ShopEvent } from '@gu/core';
import type { Statement } from 'better-sqlite3';
import type { SharedDb } from './db.js';

/** Rows since() reads per query: bounded memory, and the connection is free between pages. */
const PAGE = 1000;

/**
 * Per-shopper timelines in SQLite. seq (insertion order) breaks timestamp ties, so timelines and since()
 * are deterministic; event_id is UNIQUE, so replays are stored once.
 */
export class SqliteEventStore implements EventStore {
  private readonly db;
  private readonly addAll: (events: readonly ShopEvent[]) => void;
  private readonly newest: Statement<[string, number], string>;

  constructor(private readonly shared: SharedDb) {
    this.db = shared.retain();
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS timeline (
        seq INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL UNIQUE,
        shopper TEXT NOT NULL,
        ts INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS timeline_shopper ON timeline (shopper, ts, seq);
      CREATE INDEX IF NOT EXISTS timeline_ts ON timeline (ts, seq);
    `);
    const insert = this.db.prepare<[string, string, number, string]>(
      'INSERT OR IGNORE INTO timeline (event_id, shopper, ts, body) VALUES (?, ?, ?, ?)',
    );
    this.addAll = this.db.transaction((events: readonly ShopEvent[]) => {
      for (const e of events) insert.run(e.eventId, shopperKey(e), e.timestamp, JSON.stringify(e));
    });
    this.newest = this.db
      .prepare<[string, number], string>(
        'SELECT body FROM timeline WHERE shopper = ? ORDER BY ts DESC, seq DESC LIMIT ?',
      )
      .pluck();
  }

  async add(events: readonly ShopEvent[]): Promise<void> {
    this.addAll(events);
  }

  async timeline(shopper: string, limit: number): Promise<ShopEvent[]> {
    const newest = this.newest.all(shopper, Math.max(0, limit));
    return newest.reverse().map((body) => JSON.parse(body) as ShopEvent);
  }

  /**
   * Pages by (ts, seq) instead of holding one statement open: better-sqlite3 refuses every write on the
   * connection while a statement is being iterated, and the consumer awaits between events.
   */
  async *since(since: number): AsyncIterable<ShopEvent> {
    const first = this.db.prepare<[number, number], [number, number, string]>(
      'SELECT ts, seq, body FROM timeline WHERE ts >= ? ORDER BY ts, seq LIMIT ?',
    );
    const more = this.db.prepare<[number, number, number], [number, number, string]>(
      'SELECT ts, seq, body FROM timeline WHERE (ts, seq) > (?, ?) ORDER BY ts, seq LIMIT ?',
    );
    let page = first.raw().all(since, PAGE);
    while (page.length) {
      for (const [, , body] of page) yield JSON.parse(body) as ShopEvent;
      if (page.length < PAGE) return;
      const [ts, seq] = page.at(-1)!;
      page = more.raw().all(ts, seq, PAGE);
    }
  }

  async merge(sessionId: string, userId: string): Promise<void> {
    this.db
      .prepare("UPDATE timeline SET shopper = ?, body = json_set(body, '$.userId', ?) WHERE shopper = ?")
      .run(`u:${userId}`, userId, `s:${sessionId}`);
  }

  async expire(before: number): Promise<number> {
    return this.db.prepare('DELETE FROM timeline WHERE ts < ?').run(before).changes;
  }

  async erase(shoppers: readonly string[]): Promise<number> {
    const remove = this.db.prepare('DELETE FROM timeline WHERE shopper = ?');
    return this.db.transaction(() => shoppers.reduce((n, s) => n + remove.run(s).changes, 0))();
  }

  async close(): Promise<void> {
    this.shared.release();
  }
}
