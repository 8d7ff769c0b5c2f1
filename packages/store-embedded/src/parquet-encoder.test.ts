import { fixtures } from '@gu/core/conformance';
import type { LoggedEvent } from '@gu/core';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { parquetReadObjects } from 'hyparquet';
import { encodeParquet, columnValues, fromRow } from './lake-schema.js';
import { ParquetEncoder } from './parquet-encoder.js';

const events: LoggedEvent[] = Array.from({ length: 300 }, (_, k) => ({
  ...fixtures.shopEvent(`e${k}`, k % 3 ? {} : { context: { device: 'mobile' }, price: 12_000, quantity: 2 }),
  offset: k + 1,
}));

const decode = async (bytes: Uint8Array) =>
  (
    await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    })
  ).map(fromRow);

test('the worker encodes the same Parquet file as the serving thread would, and reads back as the events', async () => {
  const encoder = new ParquetEncoder();
  try {
    const bytes = await encoder.encode(events);
    assert.deepEqual(bytes, new Uint8Array(encodeParquet(columnValues(events))));
    assert.deepEqual(await decode(bytes), events);
    // One worker serves part after part.
    assert.deepEqual(await decode(await encoder.encode(events.slice(0, 7))), events.slice(0, 7));
  } finally {
    await encoder.close();
  }
});

test('an event the schema cannot hold fails its part with a clear error; the next part is encoded', async () => {
  const encoder = new ParquetEncoder();
  try {
    const bad = [{ ...events[0], timestamp: 'yesterday' as unknown as number }];
    await assert.rejects(encoder.encode(bad), /encoding a lake part failed/);
    assert.deepEqual(await decode(await encoder.encode(events.slice(0, 3))), events.slice(0, 3));
  } finally {
    await encoder.close();
  }
});

test('an idle worker does not keep the process alive', () => {
  // A process that encodes a part and never closes the encoder still exits on its own.
  const script = `
    import { ParquetEncoder } from ${JSON.stringify(new URL('./parquet-encoder.js', import.meta.url).href)};
    const bytes = await new ParquetEncoder().encode(${JSON.stringify(events.slice(0, 5))});
    console.log(bytes.length > 0 ? 'encoded' : 'empty');
  `;
  const file = join(mkdtempSync(join(tmpdir(), 'gu-encoder-')), 'idle.mjs');
  writeFileSync(file, script);
  try {
    const out = execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(out.trim(), 'encoded');
  } finally {
    rmSync(dirname(file), { recursive: true, force: true });
  }
});
