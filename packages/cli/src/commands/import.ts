import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Command } from 'commander';
import {
  delimitedRows,
  EVENT_TYPES,
  QualityCounter,
  Unreadable,
  validateEvent,
  type DataQuality,
  type Gu,
  type IngestResult,
} from '@gu/core';
import { DataDirInUseError } from '@gu/store-embedded';
import { detectFormat, loadDataset } from '../io/datasets.js';
import { apiEvent, apiRecord, parquetRows } from '../io/parquet.js';
import { withGu } from '../io/gu.js';
import { readLines } from '../io/lines.js';
import { Progress } from '../io/progress.js';

interface Summary {
  kind: string;
  file: string;
  read: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** The first rejections with their reasons, to fix the file by. */
  examples: unknown[];
}

/**
 * Items or users in the API's shape as JSON Lines, as Parquet tables (a column per field, the rest taken as
 * attributes: apiRecord), or items as CSV (item_id,title,categories,price,…).
 */
async function* records(file: string, kind: 'items' | 'users'): AsyncGenerator<unknown> {
  if (extname(file).toLowerCase() === '.parquet') {
    for await (const row of parquetRows(file)) yield apiRecord(row, kind);
    return;
  }
  if (kind === 'items' && extname(file).toLowerCase() === '.csv') {
    const names = {
      itemId: ['item_id', 'itemid', 'product_id', 'sku'],
      title: ['title', 'name'],
      categories: ['categories', 'category'],
      price: ['price'],
      currency: ['currency'],
      brand: ['brand'],
      imageUrl: ['image_url', 'imageurl', 'image'],
      available: ['available'],
    };
    for await (const { fields: f, col } of delimitedRows(readLines(file), names, ['itemId'], 'catalog CSV')) {
      const get = (c: number) => (c >= 0 ? f[c]?.trim() || undefined : undefined);
      yield {
        itemId: get(col.itemId),
        ...(get(col.title) && { title: get(col.title) }),
        ...(get(col.categories) && {
          categories: get(col.categories)!
            .split(/\s*[>|/]\s*/)
            .filter(Boolean),
        }),
        ...(get(col.price) && { price: Number(get(col.price)) }),
        ...(get(col.currency) && { currency: get(col.currency) }),
        ...(get(col.brand) && { brand: get(col.brand) }),
        ...(get(col.imageUrl) && { imageUrl: get(col.imageUrl) }),
        ...(get(col.available) && { available: !/^(false|0|no)$/i.test(get(col.available)!) }),
      };
    }
    return;
  }
  let lineNo = 0;
  for await (const line of readLines(file)) {
    lineNo++;
    if (!line.trim()) continue;
    try {
      yield JSON.parse(line);
    } catch {
      yield { __invalid: `line ${lineNo} is not valid JSON` };
    }
  }
}

async function importRecords(
  gu: Gu,
  file: string,
  kind: 'items' | 'users',
  progress: Progress,
): Promise<Summary> {
  const summary: Summary = { kind, file, read: 0, accepted: 0, duplicates: 0, rejected: 0, examples: [] };
  let batch: unknown[] = [];
  const flush = async () => {
    const result = kind === 'items' ? await gu.putItems(batch) : await gu.putUsers(batch);
    summary.accepted += result.valid.length;
    summary.rejected += result.rejected.length;
    summary.examples.push(...result.rejected.slice(0, 5 - summary.examples.length));
    batch = [];
    progress.update(summary.read);
  };
  progress.start(`importing ${kind}`, 0);
  for await (const record of records(file, kind)) {
    summary.read++;
    batch.push(record);
    if (batch.length === 1000) await flush();
  }
  if (batch.length) await flush();
  progress.stop();
  return summary;
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
 * daily part-00000.parquet) are each imported.
 */
async function importInteractions(gu: Gu, file: string, progress: Progress): Promise<Summary> {
  const format = detectFormat(file);
  const source = await contentDigest(file);
  if (format === 'jsonl' || format === 'parquet') {
    const first = await eventRecords(file, format).next();
    if (!first.done && !(first.value instanceof Unreadable) && typeof first.value.eventId === 'string')
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

/** The records of a file of events, parsed (JSON Lines) or as the API takes them (Parquet: apiEvent). */
async function* eventRecords(
  file: string,
  format: 'jsonl' | 'parquet',
): AsyncGenerator<Record<string, unknown> | Unreadable> {
  if (format === 'parquet') {
    for await (const row of parquetRows(file)) yield apiEvent(row);
    return;
  }
  for await (const line of readLines(file)) {
    if (!line.trim()) continue;
    try {
      const e: unknown = JSON.parse(line);
      yield e && typeof e === 'object' && !Array.isArray(e)
        ? (e as Record<string, unknown>)
        : new Unreadable('not a JSON object');
    } catch {
      yield new Unreadable('not valid JSON');
    }
  }
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
  for await (const record of eventRecords(file, format)) {
    place++;
    if (record instanceof Unreadable) {
      quality.reject(record.reason, place);
      continue;
    }
    const checked = validateEvent(withId(record, place), now);
    if (checked.ok) quality.ok();
    else quality.reject(checked.errors.map((e) => `${e.path} ${e.message}`).join('; '), place);
  }
  passGate(file, quality.report());
  const summary = interactionsSummary(file, place);
  progress.start('importing events', place);
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
    else batch.push(withId(record, place));
    if (batch.length === 500) await flush();
  }
  if (batch.length) await flush();
  await gu.processor.drain();
  progress.stop();
  return summary;
}

export const importCommand = new Command('import')
  .description('Import the catalog, users or interaction history into a data directory')
  .argument('<kind>', 'items | users | interactions')
  .argument(
    '<file>',
    'items: CSV, JSON Lines or Parquet; users: JSON Lines or Parquet; interactions: CSV, JSON Lines, Parquet or `user item …` lines',
  )
  .option('--data <dir>', 'data directory', './data')
  .option('--json', 'print the summary as JSON')
  .action(async (kind: string, file: string, flags: { data: string; json?: boolean }) => {
    if (!['items', 'users', 'interactions'].includes(kind))
      throw new Error(`unknown kind ${kind}: use items, users or interactions`);
    const progress = new Progress();
    // Events reach the lake, and so training, through a writer's processor; a running server would not see
    // what another process writes (it holds the catalog and the shoppers' state in memory).
    await withGu(flags.data, 'writer', async (gu) => {
      const summary =
        kind === 'interactions'
          ? await importInteractions(gu, file, progress)
          : await importRecords(gu, file, kind as 'items' | 'users', progress);
      if (flags.json) console.log(JSON.stringify(summary, null, 2));
      else {
        console.log(
          `${summary.kind}: ${summary.accepted} imported, ${summary.duplicates} already there, ${summary.rejected} rejected of ${summary.read} read`,
        );
        for (const e of summary.examples) console.log(`  rejected: ${JSON.stringify(e)}`);
      }
      if (summary.accepted === 0 && summary.rejected > 0) process.exitCode = 1;
    }).catch((error: unknown) => {
      if (!(error instanceof DataDirInUseError)) throw error;
      throw new Error(
        `${error.message}. Stop it first, or send the data to the running server: PUT /v1/items, PUT /v1/users, POST /v1/events`,
      );
    });
  });
