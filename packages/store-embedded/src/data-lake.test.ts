import { dataLakeConformance, fixtures } from '@gu/core/conformance';
import type { LoggedEvent } from '@gu/core';
import assert from 'node:assert/strict';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { ParquetDataLake } from './data-lake.js';
import { tempDirs } from './testing/temp-dirs.js';

const newDir = tempDirs();
const { shopEvent, T0, DAY } = fixtures;
const logged = (offset: number, day: number, fields = {}): LoggedEvent => ({
  ...shopEvent(`e${offset}`, { timestamp: T0 + day * DAY, ...fields }),
  offset,
});
const collect = async <T>(source: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of source) out.push(x);
  return out;
};

dataLakeConformance('parquet', async () => new ParquetDataLake(join(await newDir(), 'lake')));
dataLakeConformance(
  'parquet, flushing every 2 events',
  async () => new ParquetDataLake(join(await newDir(), 'lake'), { flushEvery: 2 }),
);

test('partitions are dt=YYYY-MM-DD directories of numbered Parquet parts, typed columns', async () => {
  const dir = join(await newDir(), 'lake');
  const lake = new ParquetDataLake(dir);
  await lake.append([logged(1, 0), logged(2, 1)]);
  await lake.flush();
  await lake.append([logged(3, 1, { context: { device: 'mobile' } })]);
  await lake.close(); // close flushes
  assert.deepEqual((await readdir(dir)).sort(), ['dt=2024-03-01', 'dt=2024-03-02']);
  assert.deepEqual((await readdir(join(dir, 'dt=2024-03-02'))).sort(), [
    'part-00000.parquet',
    'part-00001.parquet',
  ]);
  const [row] = await parquetReadObjects({
    file: await asyncBufferFromFile(join(dir, 'dt=2024-03-02/part-00001.parquet')),
  });
  assert.equal(row.offset, 3n);
  assert.deepEqual(row.timestamp, new Date(T0 + DAY));
  assert.deepEqual(row.context, { device: 'mobile' });
  assert.equal(row.sessionId, null);
});

test('a reopened lake reads what is there and numbers new parts after it', async () => {
  const dir = join(await newDir(), 'lake');
  const first = new ParquetDataLake(dir);
  await first.append([logged(1, 0)]);
  await first.close();
  const again = new ParquetDataLake(dir);
  await again.append([logged(2, 0)]);
  await again.flush();
  assert.deepEqual(await readdir(join(dir, 'dt=2024-03-01')), ['part-00000.parquet', 'part-00001.parquet']);
  assert.deepEqual(
    (await collect(again.scan())).map((e) => e.offset),
    [1, 2],
  );
  await again.close();
});

test("append writes a day's part by itself once the day holds flushEvery events", async () => {
  const dir = join(await newDir(), 'lake');
  const lake = new ParquetDataLake(dir, { flushEvery: 3 });
  await lake.append([logged(1, 0), logged(2, 0)]);
  assert.deepEqual(await lake.partitions(), []);
  await lake.append([logged(3, 0)]);
  assert.deepEqual(await lake.partitions(), ['2024-03-01']);
  assert.equal((await collect(lake.scan())).length, 3);
  await lake.close();
});

test('late events spread over days are written a part per day, not a part per day each flushEvery', async () => {
  const dir = join(await newDir(), 'lake');
  const lake = new ParquetDataLake(dir, { flushEvery: 3 });
  // Two days interleaved: five events are past flushEvery in all, but no day is full.
  await lake.append([logged(1, 0), logged(2, 1), logged(3, 0), logged(4, 1), logged(5, 1)]);
  assert.deepEqual(await lake.partitions(), ['2024-03-02'], 'only the full day is written');
  await lake.append([logged(6, 0)]);
  assert.deepEqual(await lake.partitions(), ['2024-03-01', '2024-03-02']);
  for (const day of ['dt=2024-03-01', 'dt=2024-03-02'])
    assert.deepEqual(await readdir(join(dir, day)), ['part-00000.parquet']);
  // Memory stays bounded: ten times flushEvery buffered over many days writes them all.
  const spread = Array.from({ length: 29 }, (_, k) => logged(7 + k, 2 + (k % 15)));
  await lake.append(spread);
  assert.equal((await lake.partitions()).length, 2, '29 buffered events over 15 days wait');
  await lake.append([logged(36, 20)]);
  assert.equal((await lake.partitions()).length, 18);
  assert.equal((await collect(lake.scan())).length, 36);
  await lake.close();
});

test('a day whose part could not be written stays buffered, and the next write takes it whole', async () => {
  const dir = join(await newDir(), 'lake');
  const lake = new ParquetDataLake(dir, { flushEvery: 2 });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'dt=2024-03-01'), 'a file where the partition goes'); // mkdir fails on it
  await assert.rejects(lake.append([logged(1, 0), logged(2, 0), logged(3, 1)]));
  await rm(join(dir, 'dt=2024-03-01'));
  await lake.append([logged(4, 0)]); // the day is past flushEvery again: one part of its three events
  assert.deepEqual(await readdir(join(dir, 'dt=2024-03-01')), ['part-00000.parquet']);
  await lake.flush();
  assert.deepEqual(
    (await collect(lake.scan())).map((e) => e.offset),
    [1, 2, 4, 3],
  );
  await lake.close();
});

test('erase rewrites only the parts holding the user, and removes parts left empty', async () => {
  const dir = join(await newDir(), 'lake');
  const lake = new ParquetDataLake(dir);
  await lake.append([
    logged(1, 0, { userId: 'bob' }),
    logged(2, 1, { userId: 'alice' }),
    logged(3, 1, { userId: 'bob' }),
  ]);
  await lake.flush();
  await lake.append([logged(4, 1, { userId: 'alice' })]);
  await lake.flush();
  const untouched = join(dir, 'dt=2024-03-01/part-00000.parquet');
  const before = await stat(untouched);
  assert.equal(await lake.erase('alice', []), 2);
  assert.equal((await stat(untouched)).ino, before.ino);
  assert.deepEqual(await readdir(join(dir, 'dt=2024-03-02')), ['part-00000.parquet']);
  assert.deepEqual(
    (await collect(lake.scan())).map((e) => e.offset),
    [1, 3],
  );
  await lake.close();
});

test('erase also drops buffered events not yet flushed, writing no empty part', async () => {
  const dir = join(await newDir(), 'lake');
  const lake = new ParquetDataLake(dir);
  await lake.append([logged(1, 0, { userId: 'alice' }), logged(2, 1, { userId: 'bob' })]);
  assert.equal(await lake.erase('alice', []), 1);
  await lake.flush();
  assert.deepEqual(await readdir(dir), ['dt=2024-03-02']);
  assert.deepEqual(
    (await collect(lake.scan())).map((e) => e.offset),
    [2],
  );
  await lake.close();
});
