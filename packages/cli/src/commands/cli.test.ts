import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Stores } from '@gu/core';
import { openEmbeddedStores } from '@gu/store-embedded';
import { parquetWriteBuffer } from 'hyparquet-writer';

/** The built `gu` command, run as a shop's operator would (given up on, code null, after two minutes). */
const main = new URL('../main.js', import.meta.url).pathname;
const guWith = (env: Record<string, string>, ...args: string[]) => {
  const run = spawnSync(process.execPath, [main, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GU_SECRET: 'cli-test-secret', ...env },
    timeout: 120_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
};
const gu = (...args: string[]) => guWith({}, ...args);
/** Runs work on a data directory's stores, opened beside no server, and closes them. */
async function withStores<T>(data: string, work: (stores: Stores) => Promise<T>): Promise<T> {
  const stores = openEmbeddedStores(data, { secret: 'cli-test-secret' });
  try {
    return await work(stores);
  } finally {
    await stores.close();
  }
}
const json = (run: ReturnType<typeof gu>) => {
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
};

describe('gu import, train and models on a data directory', () => {
  let dir: string;
  let data: string;
  before(() => {
    dir = mkdtempSync(join(os.tmpdir(), 'gu-cli-'));
    data = join(dir, 'data');
    // Two tribes of shoppers, each keeping to its own aisle: enough for every recipe to learn something.
    const items = ['item_id,title,categories,price,brand'];
    for (let i = 0; i < 20; i++)
      items.push(
        `i${i},"Món ${i}, 500g",${i < 10 ? 'Đồ uống' : 'Bánh kẹo'}>${i % 2 ? 'Chai' : 'Lon'},${(i + 1) * 10_000},B${i % 3}`,
      );
    items.push('bad,,Đồ uống,-5,'); // a negative price: rejected with its reason
    items.push('worse,,Đồ uống,abc,'); // a price that is no number: named as the text it is, not as NaN
    writeFileSync(join(dir, 'items.csv'), items.join('\n'));
    const rows = ['user_id,item_id,timestamp,event_type'];
    const t0 = Date.UTC(2026, 10, 1);
    for (let u = 0; u < 60; u++)
      for (let k = 0; k < 8; k++) {
        const item = (u % 2 ? 10 : 0) + ((u + k * 3) % 10);
        rows.push(
          `u${u},i${item},${new Date(t0 + (u * 8 + k) * 3_600_000).toISOString()},${k === 7 ? 'purchase' : 'view'}`,
        );
      }
    writeFileSync(join(dir, 'events.csv'), rows.join('\n'));
    writeFileSync(
      join(dir, 'users.jsonl'),
      '{"userId":"u1","personal":{"email":"lan@example.vn"}}\nnot json\n',
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('imports the catalog, reporting each rejected row', () => {
    const summary = json(gu('import', 'items', join(dir, 'items.csv'), '--data', data, '--json'));
    assert.equal(summary.accepted, 20);
    assert.equal(summary.rejected, 2);
    assert.equal(summary.examples[0].id, 'bad');
    assert.equal(summary.examples[1].id, 'worse');
    const [error] = summary.examples[1].errors;
    assert.equal(error.path, 'price');
    assert.match(error.message, /expected number, received string/);
  });

  test('imports users from JSON Lines; a line that is not JSON is rejected, not fatal', () => {
    const summary = json(gu('import', 'users', join(dir, 'users.jsonl'), '--data', data, '--json'));
    assert.deepEqual([summary.accepted, summary.rejected], [1, 1]);
  });

  test('imports interactions through ingest; importing again stores nothing twice', () => {
    const first = json(gu('import', 'interactions', join(dir, 'events.csv'), '--data', data, '--json'));
    assert.deepEqual([first.read, first.accepted, first.duplicates], [480, 480, 0]);
    const again = json(gu('import', 'interactions', join(dir, 'events.csv'), '--data', data, '--json'));
    assert.deepEqual([again.accepted, again.duplicates], [0, 480]);
  });

  test("imports Parquet: another shop's lake partitions as interactions; items and users by column, the rest attributes", async () => {
    const other = join(dir, 'from-parquet');
    // The whole lake in one command: every daily part.
    const lake = json(gu('import', 'interactions', join(data, 'lake'), '--data', other, '--json'));
    assert.deepEqual(
      [lake.read, lake.accepted, lake.rejected],
      [480, 480, 0],
      "every event of the first shop's lake",
    );
    const logged = (dataDir: string) => withStores(dataDir, (stores) => stores.log.read(0, 10_000));
    const moved = await logged(other);
    assert.deepEqual(
      moved.map((e) => e.eventId).sort(),
      (await logged(data)).map((e) => e.eventId).sort(),
      'the events kept their ids',
    );
    // The same events exported as JSON Lines are duplicates of what the lake brought.
    const exported = join(dir, 'export.jsonl');
    writeFileSync(
      exported,
      moved.map((e) => JSON.stringify({ ...e, offset: undefined, receivedAt: undefined })).join('\n'),
    );
    const again = json(gu('import', 'interactions', exported, '--data', other, '--json'));
    assert.deepEqual([again.accepted, again.duplicates], [0, 480]);

    const parquet = (name: string, columns: [string, string, unknown[]][]) => {
      const file = join(dir, name);
      const columnData = columns.map(([column, type, data]) => ({
        name: column,
        type,
        data,
        nullable: true,
      }));
      writeFileSync(file, new Uint8Array(parquetWriteBuffer({ columnData } as never)));
      return file;
    };
    const items = parquet('items.parquet', [
      ['product_id', 'STRING', ['p1', 'p2', '']],
      ['name', 'STRING', ['Cà phê sữa', 'Trà đào', 'no id']],
      ['category', 'STRING', ['Đồ uống > Cà phê', null, null]],
      ['price', 'DOUBLE', [29_000, 35_000, 1]],
      ['stock', 'INT64', [3n, 0n, 1n]],
      ['created_at', 'TIMESTAMP', [new Date(Date.UTC(2026, 0, 2)), null, null]],
    ]);
    const imported = json(gu('import', 'items', items, '--data', other, '--json'));
    assert.deepEqual([imported.accepted, imported.rejected], [2, 1]);
    const users = parquet('users.parquet', [
      ['user_id', 'STRING', ['lan']],
      ['Email', 'STRING', ['lan@example.vn']],
      ['segment', 'STRING', ['vip']],
    ]);
    assert.equal(json(gu('import', 'users', users, '--data', other, '--json')).accepted, 1);
    await withStores(other, async (stores) => {
      const p1 = await stores.catalog.get('p1');
      assert.deepEqual(
        [p1?.title, p1?.categories, p1?.price, p1?.createdAt, p1?.attributes],
        ['Cà phê sữa', ['Đồ uống', 'Cà phê'], 29_000, Date.UTC(2026, 0, 2), { stock: 3 }],
      );
      const lan = await stores.users.get('lan');
      assert.deepEqual([lan?.personal?.email, lan?.attributes], ['lan@example.vn', { segment: 'vip' }]);
    });

    const notParquet = join(dir, 'not.parquet');
    writeFileSync(notParquet, 'user_id,item_id\nu1,i1\n');
    const refused = gu('import', 'interactions', notParquet, '--data', other);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^gu: .*not\.parquet is not a Parquet file Gu can read: /m);
  });

  test('trains versions with offline metrics and promotes them; the gate holds a second, equal training only if worse', () => {
    const report = json(gu('train', '--data', data, '--recipes', 'popular,similar-items', '--json'));
    assert.equal(report.versions.length, 2);
    assert.equal(report.promoted.length, 2);
    assert.equal(report.quality.valid, 480);
    for (const v of report.versions) assert.equal(typeof v.metrics['ndcg@20'], 'number');
    const again = json(gu('train', '--data', data, '--recipes', 'similar-items', '--json'));
    assert.equal(
      again.promoted.length + again.held.length,
      1,
      'the same data: promoted, or held with reasons',
    );
  });

  test('lists versions, promotes one and rolls back, and says why when it cannot', () => {
    const listed = json(gu('models', 'list', '--data', data, '--recipe', 'similar-items', '--json'));
    assert.equal(listed.versions.length, 2);
    const [newest, oldest] = listed.versions;
    json(gu('models', 'promote', oldest.id, '--data', data, '--json'));
    const serving = json(gu('models', 'list', '--data', data, '--json')).serving;
    assert.equal(serving['similar-items'], oldest.id);
    const back = json(gu('models', 'rollback', 'similar-items', '--data', data, '--json'));
    assert.notEqual(back.serving.id, oldest.id);
    assert.ok([newest.id, oldest.id].includes(back.serving.id));
    const table = gu('models', 'list', '--data', data);
    assert.match(table.stdout, /\* +similar-items-/, 'the serving version is starred');

    const unknown = gu('models', 'promote', 'no-such-version', '--data', data);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no model version no-such-version/);
    const none = gu('models', 'rollback', 'trending', '--data', data);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no trending model is serving/);
    const empty = gu('models', 'list', '--data', data, '--recipe', 'trending');
    assert.equal(empty.code, 0);
    assert.match(empty.stdout, /no model versions of trending in .*: gu train makes them/);
  });

  test('models and train leave the log to the server: nothing replayed into the stores, no position saved', async () => {
    /** What only the log's one writer (a running server) may change. */
    const writerState = () =>
      withStores(data, async (stores) => ({
        position: await stores.meta.get('processor.position'),
        timeline: await stores.events.timeline('u:live', 10),
        lake: readdirSync(join(data, 'lake'), { recursive: true }).sort(),
      }));
    // Events a running server has accepted and not yet checkpointed: the log runs ahead of its position.
    await withStores(data, (stores) =>
      stores.log.append(
        [1, 2, 3].map((k) => ({
          eventId: `live-${k}`,
          eventType: 'view' as const,
          userId: 'live',
          itemId: `i${k}`,
          timestamp: Date.now(),
          receivedAt: Date.now(),
        })),
      ),
    );
    const before = await writerState();
    assert.deepEqual(before.timeline, []);

    const [newest, oldest] = json(
      gu('models', 'list', '--data', data, '--recipe', 'similar-items', '--json'),
    ).versions;
    const promoted = json(gu('models', 'promote', oldest.id, '--data', data, '--json'));
    assert.equal(promoted.serving.id, oldest.id);
    const back = json(gu('models', 'rollback', 'similar-items', '--data', data, '--json'));
    assert.equal(back.serving.id, newest.id);
    const report = json(gu('train', '--data', data, '--recipes', 'popular', '--promote', 'always', '--json'));
    assert.deepEqual(report.promoted, [report.versions[0].id], 'training still promotes, as a follower');
    assert.equal(json(gu('models', 'list', '--data', data, '--json')).serving.popular, report.versions[0].id);
    assert.deepEqual(await writerState(), before);
  });

  test('refuses bad arguments with a clear message', async () => {
    const kind = gu('import', 'orders', join(dir, 'events.csv'), '--data', data);
    assert.equal(kind.code, 1);
    assert.match(kind.stderr, /unknown kind orders/);
    const recipe = gu('train', '--data', data, '--recipes', 'popular,nope');
    assert.notEqual(recipe.code, 0);
    assert.match(recipe.stderr, /unknown recipe nope/);
    const missing = gu('import', 'items', join(dir, 'missing.csv'), '--data', data);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /ENOENT|no such file/);
    const folder = gu('import', 'items', dir, '--data', join(dir, 'untouched'));
    assert.equal(folder.code, 1);
    assert.match(folder.stderr, /is a folder: items are imported from one file/);
    assert.equal(existsSync(join(dir, 'untouched')), false, 'no data directory made for a refused import');
    const workers = gu('start', '--data', data, '--no-demo', '--workers', '0');
    assert.notEqual(workers.code, 0);
    assert.match(workers.stderr, /--workers must be a whole number ≥ 1/);
    for (const port of ['abc', '99999', '-1', '80.5', '']) {
      const run = gu('start', '--data', data, '--no-demo', '--port', port);
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, new RegExp(`--port must be a whole number from 0 to 65535, not "${port}"`));
    }
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const port = String((taken.address() as AddressInfo).port);
    const busy = gu('start', '--data', data, '--no-demo', '--host', '127.0.0.1', '--port', port);
    taken.close();
    assert.equal(busy.code, 1);
    assert.match(
      busy.stderr,
      new RegExp(`port ${port} on 127.0.0.1 is taken by another program: choose another`),
    );
    const envPort = guWith({ GU_PORT: '70000' }, 'start', '--data', data, '--no-demo');
    assert.equal(envPort.code, 1);
    assert.match(envPort.stderr, /GU_PORT must be a whole number from 0 to 65535, not "70000"/);
    const rate = gu('bench', 'ingest', '--rate', '1000');
    assert.notEqual(rate.code, 0);
    assert.match(rate.stderr, /--rate and --find-rate are for gu bench serve/);
    const both = gu('bench', 'serve', '--rate', '1000', '--find-rate', '10');
    assert.notEqual(both.code, 0);
    assert.match(both.stderr, /--find-rate bisects rates itself: leave out --rate/);
    const generator = gu('bench', 'serve', '--rate', '1000', '--load-generator', 'wrk');
    assert.notEqual(generator.code, 0);
    assert.match(generator.stderr, /leave out --load-generator/);
    const nowhere = join(dir, 'nowhere');
    for (const args of [['models', 'list'], ['models', 'rollback', 'popular'], ['train']]) {
      const run = gu(...args, '--data', nowhere);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /no Gu data in .*nowhere: gu start --data .* creates it/);
    }
    assert.equal(existsSync(nowhere), false, 'reading a directory did not create it');
  });

  test('imports a file without timestamps (user item item …) in order, recent enough to train on', () => {
    const positional = join(dir, 'positional');
    // Beauty.txt's format: each shopper's items in the order seen, with no time.
    const lines = Array.from(
      { length: 30 },
      (_, u) => `p${u} ${Array.from({ length: 6 }, (_, k) => `i${(u + k) % 20}`).join(' ')}`,
    );
    writeFileSync(join(dir, 'sequences.txt'), lines.join('\n'));
    json(gu('import', 'items', join(dir, 'items.csv'), '--data', positional, '--json'));
    const summary = json(
      gu('import', 'interactions', join(dir, 'sequences.txt'), '--data', positional, '--json'),
    );
    assert.deepEqual([summary.accepted, summary.rejected], [180, 0], JSON.stringify(summary.examples));
    const report = json(
      gu('train', '--data', positional, '--recipes', 'popular', '--promote', 'never', '--json'),
    );
    assert.equal(report.quality.valid, 180, 'every event within the training window');
  });
});
