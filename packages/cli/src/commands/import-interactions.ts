import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  EVENT_TYPES,
  jsonLineRecords,
  type InteractionRecord,
  QualityCounter,
  Unreadable,
  validateEvent,
  type DataQuality,
  type Gu,
  type IngestResult,
} from '@gu/core';
import { detectFormat, loadDataset } from '../io/datasets.js';
import { readLines } from '../io/lines.js';
import { apiEvent, parquetRows } from '../io/parquet.js';
import type { Progress } from '../io/progress.js';

/** What an import did, printed (or as --json) at its end. */
export interface Summary {
  kind: string;
  file: string;
  read: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** The first rejections with their reasons, to fix the file by. */
  examples: unknown[];
}

/** Refuses a file whose rows are not valid enough to train on (DataQuality.passes), saying why. */
function passGate(file: string, quality: DataQuality): void {
  if (!quality.passes)
    throw new Error(
      `${file} failed the data quality gate (${(quality.validShare * 100).toFixed(1)}% valid): ${JSON.stringify(quality.errors.slice(0, 5))}`,
    );
}

const interactionsSummary = (file: string, read: number): Summary => ({
  kind: 'interactions',
  file,
  read,
  accepted: 0,
  duplicates: 0,
  rejected: 0,
  examples: [],
});

/** Adds what ingest made of a batch to the summary. */
function count(summary: Summary, result: IngestResult): void {
  summary.accepted += result.accepted - result.duplicates;
  summary.duplicates += result.duplicates;
  summary.rejected += result.rejected.length;
  summary.examples.push(...result.rejected.slice(0, 5 - summary.examples.length));
}

/** The .parquet files under a folder, sorted by path; none for a file. */
async function parquetParts(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [];
  const files = await readdir(path, { recursive: true, encoding: 'utf8' });
  return files
    .filter((f) => f.endsWith('.parquet'))
    .sort()
    .map((f) => join(path, f));
}

/** A short digest of a file's bytes (of each file, in name order, for a folder). */
async function contentDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  const files = (await stat(path)).isDirectory()
    ? (await readdir(path)).sort().map((name) => join(path, name))
    : [path];
  for (const file of files) for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex').slice(0, 16);
}

/**
 * Interactions in any dataset format. A file of the API's events (JSON Lines or Parquet whose first record
 * names its eventId, a Gu lake partition among them) is ingested event by event as it is: ids, sessions,
 * prices, searches and impressions kept, so an event met again in another export is a duplicate. Any other
 * becomes interactions sent through ingest with ids derived from the file's content and the row. Either
 * way re-importing a file, under any name, is a no-op, and files of one name in several folders (a lake's
 * daily part-00000.parquet) are each imported. A folder of Parquet files imports them all.
 */
export async function importInteractions(gu: Gu, file: string, progress: Progress): Promise<Summary> {
  // A folder of Parquet parts (a Gu lake, say): every part, in the order of their paths (days, then parts).
  const parts = await parquetParts(file);
  if (parts.length) {
    const total = interactionsSummary(file, 0);
    for (const part of parts) {
      const summary = await importInteractions(gu, part, progress);
      for (const key of ['read', 'accepted', 'duplicates', 'rejected'] as const) total[key] += summary[key];
      total.examples.push(...summary.examples.slice(0, 5 - total.examples.length));
    }
    return total;
  }
  const format = detectFormat(file);
  const source = await contentDigest(file);
  if (format === 'jsonl' || format === 'parquet') {
    const records = eventRecords(file, format);
    let first = await records.next();
    while (!first.done && first.value === undefined) first = await records.next();
    await records.return(undefined); // closes the file
    const record = first.done ? undefined : first.value;
    if (record && !(record instanceof Unreadable) && typeof record.eventId === 'string')
      return importEvents(gu, file, format, source, progress);
  }
  const { interactions: d, quality } = await loadDataset(file, format);
  passGate(file, quality);
  const summary = interactionsSummary(file, d.item.length);
  // Files without timestamps give positions: those events are placed in order in the milliseconds just
  // before the import, inside the windows that training and the real-time state read (and the API takes no
  // event from before 2000).
  let newest = 0;
  for (let r = 0; r < d.time.length; r++) newest = Math.max(newest, d.time[r]);
  const shift = newest < 1e11 ? Date.now() - newest - 1 : 0;
  progress.start('importing interactions', d.item.length);
  for (let start = 0; start < d.item.length; start += 500) {
    const events = [];
    for (let r = start; r < Math.min(d.item.length, start + 500); r++)
      events.push({
        eventId: `import:${source}:${r}`,
        eventType: EVENT_TYPES[d.type[r]],
        userId: d.userIds[d.user[r]],
        itemId: d.itemIds[d.item[r]],
        timestamp: d.time[r] + shift,
        ...(d.basket[r] >= 0 ? { orderId: `import:${source}:${d.basket[r]}` } : {}),
      });
    count(summary, await gu.ingest(events));
    progress.update(Math.min(d.item.length, start + 500));
  }
  await gu.processor.drain();
  progress.stop();
  return summary;
}

/**
 * The records of a file of events: JSON Lines parsed (undefined for a blank line, so that places are line
 * numbers), Parquet rows as the API takes them (apiEvent).
 */
async function* eventRecords(file: string, format: 'jsonl' | 'parquet'): AsyncGenerator<InteractionRecord> {
  if (format === 'parquet') for await (const row of parquetRows(file)) yield apiEvent(row);
  else yield* jsonLineRecords(readLines(file));
}

/**
 * The API's events of a file, checked against the data quality gate first (as loadDataset's are), then
 * ingested 500 at a time; one without an eventId gets one derived from the file's content and its place.
 */
async function importEvents(
  gu: Gu,
  file: string,
  format: 'jsonl' | 'parquet',
  source: string,
  progress: Progress,
): Promise<Summary> {
  const withId = (record: Record<string, unknown>, at: number) => ({
    eventId: `import:${source}:${at}`,
    ...record,
  });
  const quality = new QualityCounter();
  const now = Date.now();
  let place = 0;
  let read = 0;
  for await (const record of eventRecords(file, format)) {
    place++;
    if (record === undefined) continue;
    read++;
    if (record instanceof Unreadable) {
      quality.reject(record.reason, place);
      continue;
    }
    const checked = validateEvent(withId(record, place), now);
    if (checked.ok) quality.ok();
    else quality.reject(checked.errors.map((e) => `${e.path} ${e.message}`).join('; '), place);
  }
  passGate(file, quality.report());
  const summary = interactionsSummary(file, read);
  progress.start('importing events', read);
  let batch: unknown[] = [];
  let sent = 0;
  const flush = async () => {
    count(summary, await gu.ingest(batch));
    progress.update((sent += batch.length));
    batch = [];
  };
  place = 0;
  for await (const record of eventRecords(file, format)) {
    place++;
    if (record instanceof Unreadable) summary.rejected++;
    else if (record) batch.push(withId(record, place));
    if (batch.length === 500) await flush();
  }
  if (batch.length) await flush();
  await gu.processor.drain();
  progress.stop();
  return summary;
}
