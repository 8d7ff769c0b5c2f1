import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { detectFormat } from './datasets.js';

test('a file is recognised by its first line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gu-formats-'));
  try {
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    assert.equal(detectFormat(file('beauty.txt', 'u1 i1 i2 i3\nu2 i4\n')), 'sequences');
    assert.equal(detectFormat(file('events.csv', 'user_id,item_id,timestamp\nu1,i1,1\n')), 'csv');
    assert.equal(detectFormat(file('tabs.txt', 'user\titem\nu1\ti1\n')), 'csv');
    assert.equal(detectFormat(file('events.jsonl', '{}\n')), 'jsonl');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file larger than a string can hold is recognised from its head', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gu-formats-'));
  try {
    const path = join(dir, 'huge.csv');
    writeFileSync(path, 'user_id,item_id,timestamp\n');
    // Sparse: 600 MB that take no disk, more characters than V8 puts in one string (2^29 − 24).
    truncateSync(path, 600 * 2 ** 20);
    assert.equal(detectFormat(path), 'csv');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
