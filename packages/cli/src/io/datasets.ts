import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import {
  IdIndex,
  parseInteractionsCsv,
  parseInteractionRecords,
  parseInteractionsJsonl,
  parseItemsCsv,
  parseSessionDataset,
  parseUserSequences,
  type DataQuality,
  type EvalCase,
  type Interactions,
} from '@gu/core';
import { readLines } from './lines.js';
import { parquetRows } from './parquet.js';

export const DATASET_FORMATS = ['csv', 'jsonl', 'parquet', 'sequences', 'sessions'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

export interface LoadedDataset {
  format: DatasetFormat;
  interactions: Interactions;
  /** Only the session format comes with its own test cases (prefix → next item). */
  cases?: EvalCase[];
  quality: DataQuality;
}

/**
 * Recognises the shared datasets' own formats: a directory with train_sessions.txt and test.tsv (Diginetica in
 * the SR-GNN format), a .jsonl file, a .parquet file (a Gu lake partition, say), a text file of
 * `user item item …` lines (Beauty.txt), else the CSV contract.
 */
export function detectFormat(path: string): DatasetFormat {
  if (statSync(path).isDirectory()) {
    if (existsSync(join(path, 'train_sessions.txt')) && existsSync(join(path, 'test.tsv'))) return 'sessions';
    throw new Error(`${path} is a directory without train_sessions.txt and test.tsv`);
  }
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.parquet') return 'parquet';
  const head = firstLine(path);
  return /^\s*\S+(\s+\S+)+\s*$/.test(head) && !/[,;\t]/.test(head) && !/[a-z]_?id/i.test(head)
    ? 'sequences'
    : 'csv';
}

/** The file's first line (of its first 4 KB): read whole, a file of gigabytes would not fit in a string. */
function firstLine(path: string): string {
  const buffer = Buffer.alloc(4096);
  const fd = openSync(path, 'r');
  try {
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString('utf8', 0, read).split('\n')[0];
  } finally {
    closeSync(fd);
  }
}

export async function loadDataset(
  path: string,
  format: DatasetFormat = detectFormat(path),
  itemsPath?: string,
): Promise<LoadedDataset> {
  let loaded: LoadedDataset;
  if (format === 'sessions') {
    const { train, cases, quality } = await parseSessionDataset(
      readLines(join(path, 'train_sessions.txt')),
      readLines(join(path, 'test.tsv')),
    );
    loaded = { format, interactions: train, cases, quality };
  } else if (format === 'parquet') {
    const { data, quality } = await parseInteractionRecords(parquetRows(path));
    loaded = { format, interactions: data, quality };
  } else {
    const parse = { csv: parseInteractionsCsv, jsonl: parseInteractionsJsonl, sequences: parseUserSequences }[
      format
    ];
    const { data, quality } = await parse(readLines(path));
    loaded = { format, interactions: data, quality };
  }
  if (itemsPath) loaded.interactions = await withItems(loaded.interactions, itemsPath);
  return loaded;
}

/** Adds catalog attributes; catalog items nobody interacted with join the ranking as well. */
async function withItems(data: Interactions, itemsPath: string): Promise<Interactions> {
  const items = new IdIndex(data.itemIds);
  const { info } = await parseItemsCsv(readLines(itemsPath), items);
  return { ...data, itemIds: items.ids, itemInfo: info };
}
