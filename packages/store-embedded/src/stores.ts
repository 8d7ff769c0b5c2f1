import { closeStores, type Stores } from '@gu/core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteCatalogStore } from './catalog-store.js';
import { deriveKey } from './crypto.js';
import { ParquetDataLake, type ParquetDataLakeOptions } from './data-lake.js';
import { openDb, type SharedDb } from './db.js';
import { SqliteEventLog } from './event-log.js';
import { SqliteEventStore } from './event-store.js';
import { SqliteMetaStore } from './meta-store.js';
import { SqliteModelStore } from './model-store.js';
import { SqliteUserStore } from './user-store.js';
import { lockWriter } from './writer-lock.js';

export interface EmbeddedOptions {
  /** The operator's secret; the key that encrypts personal data is derived from it (see deriveKey). */
  secret: string;
  /**
   * Opened to consume the event log (a server, an import): words naming the writer. The directory's writer
   * lock is then held until close, and opening fails with DataDirInUseError while another writer holds it.
   */
  writer?: string;
  lake?: ParquetDataLakeOptions;
}

/** The stores plus close(), which closes them all (core's closeStores works as well). */
export type EmbeddedStores = Stores & { close(): Promise<void> };

/**
 * Every store of one data directory: `gu.db` (SQLite, WAL) for the relational ones, `models/` for model
 * blobs, `lake/` for the Parquet partitions. The stores share one connection, closed with the last store.
 */
export function openEmbeddedStores(dir: string, options: EmbeddedOptions): EmbeddedStores {
  mkdirSync(dir, { recursive: true });
  const unlock = options.writer === undefined ? undefined : lockWriter(dir, options.writer);
  let db: SharedDb | undefined;
  let stores: Stores;
  try {
    db = openDb(join(dir, 'gu.db'));
    // The user store first: a wrong secret is refused before anything else is opened.
    const users = new SqliteUserStore(db, deriveKey(db, options.secret));
    stores = {
      users,
      log: new SqliteEventLog(db),
      events: new SqliteEventStore(db),
      catalog: new SqliteCatalogStore(db),
      models: new SqliteModelStore(db, join(dir, 'models')),
      lake: new ParquetDataLake(join(dir, 'lake'), options.lake),
      meta: new SqliteMetaStore(db),
    };
  } catch (error) {
    if (db?.sql.open) db.sql.close();
    unlock?.();
    throw error;
  }
  if (unlock) releaseWhenAllClosed(stores, unlock);
  // Not enumerable, so closeStores, which closes every value of the bundle, still sees stores only.
  return Object.defineProperty(stores, 'close', { value: () => closeStores(stores) }) as EmbeddedStores;
}

/**
 * Calls release once every store of the bundle has closed, however they are closed (core's closeStores
 * closes each): the lake may still be writing a partition when the database has closed, and the next writer
 * must not start before it is done.
 */
function releaseWhenAllClosed(stores: Stores, release: () => void): void {
  let open = Object.keys(stores).length;
  for (const store of Object.values(stores) as { close(): Promise<void> }[]) {
    const close = store.close.bind(store);
    let closing: Promise<void> | undefined;
    store.close = () =>
      (closing ??= close().finally(() => {
        if (--open === 0) release();
      }));
  }
}
