import Database from 'better-sqlite3';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Who holds a data directory's writer lock, as the holder wrote it beside the lock. */
interface Holder {
  pid: number;
  /** What it is, in words (a Gu server, gu import). */
  what: string;
  since: string;
}

/** The data directory has a writer already: a server (gu start) or an import. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly holder?: Holder,
  ) {
    const who = holder ? `${holder.what} (process ${holder.pid}, since ${holder.since})` : 'another process';
    super(`the data directory ${dir} is in use by ${who}: one writer at a time consumes its event log`);
    this.name = 'DataDirInUseError';
  }
}

/**
 * Takes the data directory's writer lock for `what` (words naming the writer, for the message another one
 * gets), or throws DataDirInUseError; returns its release. Only one process may consume the event log into
 * the event store, the lake and the processor's position: a second would process every event twice. Readers
 * (serving replicas, gu train, gu models) take no lock.
 *
 * The lock is SQLite's own exclusive lock on `writer.lock`, held by an open connection in exclusive locking
 * mode: the kernel releases it when the process ends, however it ends (kill -9 included), where a file of
 * process ids outlives a crash. Such a file (`writer.json`) is written beside it only for the message.
 */
export function lockWriter(dir: string, what: string): () => void {
  const db = new Database(join(dir, 'writer.lock'), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // BEGIN EXCLUSIVE takes the exclusive lock at once; in exclusive locking mode the commit keeps it.
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirInUseError(dir, holderOf(dir));
    throw error;
  }
  const holder: Holder = { pid: process.pid, what, since: new Date().toISOString() };
  writeFileSync(join(dir, 'writer.json'), JSON.stringify(holder));
  return () => {
    rmSync(join(dir, 'writer.json'), { force: true });
    db.close();
  };
}

function holderOf(dir: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'writer.json'), 'utf8')) as Holder;
  } catch {
    return undefined; // written just after the lock is taken: the holder may not have written it yet
  }
}
