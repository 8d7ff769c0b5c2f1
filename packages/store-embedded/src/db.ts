import Database from 'better-sqlite3';

/**
 * One SQLite connection shared by the relational stores of a data directory. Each store retains it on
 * construction and releases it on close; the last release closes the connection (checkpointing the WAL).
 */
export class SharedDb {
  readonly sql: Database.Database;
  private refs = 0;

  constructor(readonly file: string) {
    this.sql = new Database(file);
    // WAL: readers never block the writer. FULL: fsync the WAL on every commit, so an acknowledged
    // write survives power loss, not only a crash of the process.
    this.sql.pragma('journal_mode = WAL');
    this.sql.pragma('synchronous = FULL');
    // Overwrite deleted content (erasure) where it costs no extra I/O.
    this.sql.pragma('secure_delete = FAST');
    this.sql.pragma('busy_timeout = 5000');
    // Client eventIds are random, so each commit dirties pages all over the eventId indexes. A larger
    // page cache and checkpoints every ~40 MB of WAL (default 4 MB) let repeated writes of a page coalesce.
    this.sql.pragma('cache_size = -65536');
    this.sql.pragma('wal_autocheckpoint = 10000');
    this.sql.pragma('journal_size_limit = 67108864');
    this.sql.pragma('foreign_keys = ON');
  }

  retain(): Database.Database {
    if (!this.sql.open) throw new Error(`database ${this.file} is closed`);
    this.refs++;
    return this.sql;
  }

  release(): void {
    if (--this.refs === 0 && this.sql.open) this.sql.close();
  }
}

export const openDb = (file: string): SharedDb => new SharedDb(file);
