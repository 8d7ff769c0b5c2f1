import type { MetaStore } from '@gu/core';
import type { SharedDb } from './db.js';

/** Named JSON documents in SQLite. */
export class SqliteMetaStore implements MetaStore {
  private readonly db;

  constructor(private readonly shared: SharedDb) {
    this.db = shared.retain();
    this.db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  }

  async get<T>(key: string): Promise<T | undefined> {
    const value = this.db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck().get(key);
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  async set(key: string, value: unknown): Promise<void> {
    const json = JSON.stringify(value);
    // undefined has no JSON form: setting it reads back as unset, as in memory.
    if (json === undefined) return this.delete(key);
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, json);
  }

  async delete(key: string): Promise<void> {
    this.db.prepare('DELETE FROM meta WHERE key = ?').run(key);
  }

  /** A range scan on the primary key: the keys from prefix on, while they still start with it. */
  async list<T>(prefix: string): Promise<[string, T][]> {
    const rows = this.db
      .prepare<[string], [string, string]>('SELECT key, value FROM meta WHERE key >= ? ORDER BY key')
      .raw()
      .iterate(prefix);
    const out: [string, T][] = [];
    for (const [key, value] of rows) {
      if (!key.startsWith(prefix)) break;
      out.push([key, JSON.parse(value) as T]);
    }
    return out;
  }

  async close(): Promise<void> {
    this.shared.release();
  }
}
