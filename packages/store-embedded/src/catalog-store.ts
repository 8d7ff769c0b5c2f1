import type { CatalogStore, Item } from '@gu/core';
import type { SharedDb } from './db.js';

/** The catalog in SQLite: one JSON document per item; all() is in itemId order. */
export class SqliteCatalogStore implements CatalogStore {
  private readonly db;

  constructor(private readonly shared: SharedDb) {
    this.db = shared.retain();
    this.db.exec('CREATE TABLE IF NOT EXISTS catalog (item_id TEXT PRIMARY KEY, body TEXT NOT NULL)');
  }

  async upsert(items: readonly Item[]): Promise<void> {
    const put = this.db.prepare('INSERT OR REPLACE INTO catalog (item_id, body) VALUES (?, ?)');
    this.db.transaction(() => {
      for (const item of items) put.run(item.itemId, JSON.stringify(item));
    })();
  }

  async get(itemId: string): Promise<Item | undefined> {
    const body = this.db
      .prepare<[string], string>('SELECT body FROM catalog WHERE item_id = ?')
      .pluck()
      .get(itemId);
    return body === undefined ? undefined : (JSON.parse(body) as Item);
  }

  async all(): Promise<Item[]> {
    const bodies = this.db.prepare<[], string>('SELECT body FROM catalog ORDER BY item_id').pluck().all();
    return bodies.map((body) => JSON.parse(body) as Item);
  }

  async markUnavailable(itemId: string): Promise<boolean> {
    const update = this.db.prepare(
      "UPDATE catalog SET body = json_set(body, '$.available', json('false')) WHERE item_id = ?",
    );
    return update.run(itemId).changes === 1;
  }

  async count(): Promise<number> {
    return this.db.prepare<[], number>('SELECT count(*) FROM catalog').pluck().get()!;
  }

  async close(): Promise<void> {
    this.shared.release();
  }
}
