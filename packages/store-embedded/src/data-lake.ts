import { dayOf, type DataLake, type LoggedEvent } from '@gu/core';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { writeFileAtomic } from './files.js';
import { fromRow } from './lake-schema.js';
import { ParquetEncoder } from './parquet-encoder.js';

export interface ParquetDataLakeOptions {
  /** A day's buffered events that make append write its part (default 10,000). */
  flushEvery?: number;
}

/**
 * Events buffered over all days, in flushEvery, that make append write every day's part: the bound on memory
 * when late events spread over many days, which otherwise wait for the processor's checkpoint (5 s).
 */
const BUFFER_CAP = 10;

const PARTITION = /^dt=(\d{4}-\d{2}-\d{2})$/;
const PART = /^part-(\d+)\.parquet$/;

const missing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';
const listOrEmpty = (dir: string) => readdir(dir).catch((e) => (missing(e) ? [] : Promise.reject(e)));
/** Reads a whole part at once: a rewrite renamed over it mid-read cannot mix two versions. */
async function readPart(path: string, columns?: string[]) {
  const bytes = await readFile(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return parquetReadObjects({ file, columns });
}

/**
 * The lake as Hive-style daily partitions of Parquet files: `dt=YYYY-MM-DD/part-NNNNN.parquet`. Appends
 * are buffered and written as a new part per day on flush; files are written atomically and never
 * appended to, so a reader sees whole parts only. Writes (flush, expire, erase) run one at a time.
 */
export class ParquetDataLake implements DataLake {
  private buffer = new Map<string, LoggedEvent[]>();
  private buffered = 0;
  private readonly flushEvery: number;
  private writes: Promise<unknown> = Promise.resolve();
  private readonly encoder = new ParquetEncoder();

  constructor(
    private readonly dir: string,
    options: ParquetDataLakeOptions = {},
  ) {
    this.flushEvery = options.flushEvery ?? 10_000;
  }

  /** Runs one write after the others; a failed write does not block the next. */
  private exclusive<T>(write: () => Promise<T>): Promise<T> {
    const result = this.writes.then(write);
    this.writes = result.catch(() => undefined);
    return result;
  }

  /**
   * Buffers by day, and writes a day's part once it holds flushEvery events, every day's once BUFFER_CAP
   * times that are buffered in all. A part for every buffered day whenever flushEvery were buffered in all
   * made a backfill spread over 25 days into ~400-event parts, 300 a day for 3M events.
   */
  async append(events: readonly LoggedEvent[]): Promise<void> {
    let full = false;
    for (const e of events) {
      const day = dayOf(e.timestamp);
      let list = this.buffer.get(day);
      if (!list) this.buffer.set(day, (list = []));
      list.push(e);
      full ||= list.length >= this.flushEvery;
    }
    this.buffered += events.length;
    if (this.buffered >= BUFFER_CAP * this.flushEvery) await this.flush();
    else if (full) await this.write((events) => events.length >= this.flushEvery);
  }

  /** Writes every buffered event. */
  flush(): Promise<void> {
    return this.write(() => true);
  }

  /**
   * Writes a part for each buffered day whose events pass `due` when the write's turn comes: a day that an
   * earlier write took meanwhile is not written again as a small part.
   */
  private write(due: (events: readonly LoggedEvent[]) => boolean): Promise<void> {
    return this.exclusive(async () => {
      const pending: [string, LoggedEvent[]][] = [];
      for (const [day, events] of this.buffer) {
        if (events.length && !due(events)) continue;
        this.buffer.delete(day); // an erasure may have left it empty
        this.buffered -= events.length;
        if (events.length) pending.push([day, events]);
      }
      for (let i = 0; i < pending.length; i++) {
        try {
          await this.writePart(...pending[i]);
        } catch (error) {
          this.requeue(pending.slice(i)); // a later flush retries what was not written
          throw error;
        }
      }
    });
  }

  private requeue(days: [string, LoggedEvent[]][]): void {
    for (const [day, events] of days) {
      this.buffer.set(day, [...events, ...(this.buffer.get(day) ?? [])]);
      this.buffered += events.length;
    }
  }

  private async writePart(day: string, events: readonly LoggedEvent[]): Promise<void> {
    const dir = join(this.dir, `dt=${day}`);
    await mkdir(dir, { recursive: true });
    const last = (await this.parts(day)).at(-1);
    const next = last ? Number(PART.exec(last)![1]) + 1 : 0;
    await this.writeFile(join(dir, `part-${String(next).padStart(5, '0')}.parquet`), events);
  }

  private async writeFile(path: string, events: readonly LoggedEvent[]): Promise<void> {
    await writeFileAtomic(path, await this.encoder.encode(events));
  }

  /** The part files of a day, in write order. */
  private async parts(day: string): Promise<string[]> {
    const names = (await listOrEmpty(join(this.dir, `dt=${day}`))).filter((n) => PART.test(n));
    return names.sort((a, b) => Number(PART.exec(a)![1]) - Number(PART.exec(b)![1]));
  }

  async *scan(from = ''): AsyncIterable<LoggedEvent> {
    for (const day of await this.partitions()) {
      if (day < from) continue;
      for (const part of await this.parts(day)) {
        let rows;
        try {
          rows = await readPart(join(this.dir, `dt=${day}`, part));
        } catch (error) {
          if (missing(error)) continue; // expired or erased while scanning
          throw error;
        }
        for (const row of rows) yield fromRow(row);
      }
    }
  }

  async partitions(): Promise<string[]> {
    const names = await listOrEmpty(this.dir);
    return names.flatMap((n) => PARTITION.exec(n)?.[1] ?? []).sort();
  }

  expire(before: string): Promise<string[]> {
    return this.exclusive(async () => {
      const dropped = (await this.partitions()).filter((d) => d < before);
      for (const day of dropped) await rm(join(this.dir, `dt=${day}`), { recursive: true, force: true });
      for (const day of [...this.buffer.keys()].filter((d) => d < before)) {
        this.buffered -= this.buffer.get(day)!.length;
        this.buffer.delete(day);
        if (!dropped.includes(day)) dropped.push(day);
      }
      return dropped.sort();
    });
  }

  /**
   * Rewrites each part holding rows of the user or sessions without them. Only the two id columns are
   * read to find those parts; the others are left untouched.
   */
  erase(userId: string, sessionIds: readonly string[]): Promise<number> {
    const sessions = new Set(sessionIds);
    const matches = (user: unknown, session: unknown) =>
      user === userId || (typeof session === 'string' && sessions.has(session));
    return this.exclusive(async () => {
      let removed = 0;
      for (const [day, events] of this.buffer) {
        const kept = events.filter((e) => !matches(e.userId, e.sessionId));
        removed += events.length - kept.length;
        this.buffered -= events.length - kept.length;
        if (kept.length) this.buffer.set(day, kept);
        else this.buffer.delete(day);
      }
      for (const day of await this.partitions()) {
        for (const part of await this.parts(day)) {
          const path = join(this.dir, `dt=${day}`, part);
          if (!(await readPart(path, ['userId', 'sessionId'])).some((r) => matches(r.userId, r.sessionId)))
            continue;
          const events = (await readPart(path)).map(fromRow);
          const kept = events.filter((e) => !matches(e.userId, e.sessionId));
          removed += events.length - kept.length;
          if (kept.length) await this.writeFile(path, kept);
          else await rm(path);
        }
      }
      return removed;
    });
  }

  async close(): Promise<void> {
    await this.flush();
    await this.encoder.close();
  }
}
