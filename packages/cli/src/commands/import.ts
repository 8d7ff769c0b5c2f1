import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { Command } from 'commander';
import { delimitedRows, type Gu } from '@gu/core';
import { DataDirInUseError } from '@gu/store-embedded';
import { apiRecord, parquetRows } from '../io/parquet.js';
import { withGu } from '../io/gu.js';
import { readLines } from '../io/lines.js';
import { Progress } from '../io/progress.js';
import { importInteractions, type Summary } from './import-interactions.js';

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
        ...(get(col.price) && { price: numeric(get(col.price)!) }),
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

/** A CSV cell as a number when it is one; else its text, which validation then names as what it is. */
function numeric(cell: string): number | string {
  const n = Number(cell);
  return Number.isNaN(n) ? cell : n;
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

export const importCommand = new Command('import')
  .description('Import the catalog, users or interaction history into a data directory')
  .argument('<kind>', 'items | users | interactions')
  .argument(
    '<file>',
    'items: CSV, JSON Lines or Parquet; users: JSON Lines or Parquet; interactions: CSV, JSON Lines, Parquet (or a folder of them, such as a Gu lake) or `user item …` lines',
  )
  .option('--data <dir>', 'data directory', './data')
  .option('--json', 'print the summary as JSON')
  .action(async (kind: string, file: string, flags: { data: string; json?: boolean }) => {
    if (!['items', 'users', 'interactions'].includes(kind))
      throw new Error(`unknown kind ${kind}: use items, users or interactions`);
    // Only interactions come as a folder (a lake's partitions); said before the data directory is touched.
    if (kind !== 'interactions' && statSync(file, { throwIfNoEntry: false })?.isDirectory())
      throw new Error(`${file} is a folder: ${kind} are imported from one file (CSV, JSON Lines or Parquet)`);
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
