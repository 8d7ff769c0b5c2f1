import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openEmbeddedStores } from '@gu/store-embedded';

const main = new URL('../main.js', import.meta.url).pathname;
const SECRET = 'start-test-secret';

/** A running `gu start`: its URL once it serves, and how it ended with everything it printed. */
function start(data: string, demo: string, ...flags: string[]) {
  const child = spawn(process.execPath, [main, 'start', '--data', data, '--port', '0', ...flags], {
    env: {
      ...process.env,
      GU_SECRET: SECRET,
      GU_DEMO_DATA: demo,
      GU_WEB_DIR: join(data, 'no-web-build'),
      GU_HOME_LIST_THREADS: '0',
      GU_RETRAIN_HOURS: '0',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
  const url = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', () => {
      const running = /Gu is running at (\S+)/.exec(stderr);
      if (running) resolve(running[1]);
    });
    void exited.then(({ code }) => reject(new Error(`gu start exited (${code}) before serving: ${stderr}`)));
  });
  url.catch(() => undefined); // a start expected to fail is not waited on for its URL
  const stop = () => {
    child.kill('SIGINT');
    return exited;
  };
  return { url, exited, stop };
}

/** A few Complete Journey products and baskets (the demo shop's format): 20 products, 40 households. */
function writeDemo(dir: string, baskets: boolean): void {
  mkdirSync(dir, { recursive: true });
  const products = ['product_id,manufacturer_id,department,brand,product_category,product_type,package_size'];
  for (let p = 0; p < 20; p++)
    products.push(
      `${1000 + p},${p % 4},${p < 10 ? 'GROCERY' : 'PRODUCE'},National,CAT${p % 5},TYPE${p},1 LB`,
    );
  writeFileSync(join(dir, 'products.csv'), products.join('\n'));
  const lines = [
    'household_id,store_id,basket_id,product_id,quantity,sales_value,retail_disc,coupon_disc,coupon_match_disc,week,transaction_timestamp',
  ];
  if (baskets)
    for (let h = 0; h < 40; h++)
      for (let b = 0; b < 4; b++)
        for (let k = 0; k < 3; k++) {
          const product = 1000 + (h % 2 ? 10 : 0) + ((h + b + k * 3) % 10);
          const day = String(1 + b * 5 + (h % 5)).padStart(2, '0');
          lines.push(`${h},1,${h * 10 + b},${product},1,2.5,0.5,0,0,${b},2017-03-${day} 10:00:00`);
        }
  writeFileSync(join(dir, 'transactions_sample.csv'), lines.join('\n'));
}

/** `gu import users` of one shopper into the data directory. */
function importUsers(data: string) {
  const file = join(data, '..', 'one-user.jsonl');
  writeFileSync(file, '{"userId":"lan"}\n');
  return spawnSync(process.execPath, [main, 'import', 'users', file, '--data', data], {
    encoding: 'utf8',
    env: { ...process.env, GU_SECRET: SECRET },
  });
}

const meta = async (data: string, key: string) => {
  const stores = openEmbeddedStores(data, { secret: SECRET });
  try {
    return { value: await stores.meta.get(key), items: (await stores.catalog.all()).length };
  } finally {
    await stores.close();
  }
};

describe('gu start seeds the demo shop once, resuming a seeding cut short', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(os.tmpdir(), 'gu-start-'));
    writeDemo(join(dir, 'no-history'), false);
    writeDemo(join(dir, 'demo'), true);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test(
    'a first start whose training fails says why and exits, leaving no server without models',
    { timeout: 180_000 },
    async () => {
      const run = start(join(dir, 'data'), join(dir, 'no-history'));
      const timer = setTimeout(() => void run.stop(), 60_000);
      const { code, stderr } = await run.exited;
      clearTimeout(timer);
      assert.equal(code, 1, stderr);
      assert.match(stderr, /gu: the demo shop could not be set up: there are no events to train on yet/);
      assert.doesNotMatch(stderr, /Gu is running/);
      // The catalog went in before training failed: this is the shop that was stuck without models.
      const { value, items } = await meta(join(dir, 'data'), 'demo/seeded');
      assert.deepEqual([value, items], [undefined, 20]);
    },
  );

  test(
    'the next start resumes the seeding: history imported, recipes trained, /readyz ready',
    { timeout: 180_000 },
    async () => {
      const run = start(join(dir, 'data'), join(dir, 'demo'));
      try {
        const ready = (await (await fetch(`${await run.url}/readyz`)).json()) as {
          ready: boolean;
          recipes: string[];
          catalog: number;
          logEnd: number;
        };
        assert.equal(ready.ready, true, JSON.stringify(ready));
        assert.ok(ready.recipes.includes('user-personalization'), ready.recipes.join());
        assert.equal(ready.catalog, 20);
        assert.equal(ready.logEnd, 40 * 4 * 3);
      } finally {
        const { code, stdout } = await run.stop();
        assert.equal(code, 0);
        assert.match(stdout, /resuming the unfinished demo shop seeding/);
      }
      const { value } = await meta(join(dir, 'data'), 'demo/seeded');
      assert.deepEqual(value && [(value as { events: number }).events], [480]);
    },
  );

  test(
    'a seeded shop, and a shop of its own that was never seeded, start as they are',
    { timeout: 180_000 },
    async () => {
      const own = join(dir, 'own');
      const stores = openEmbeddedStores(own, { secret: SECRET });
      await stores.catalog.upsert([
        {
          itemId: 'mine',
          title: 'Mine',
          categories: ['Mine'],
          price: 10_000,
          currency: 'VND',
          createdAt: Date.now(),
          available: true,
          attributes: {},
        },
      ]);
      await stores.close();
      for (const data of [join(dir, 'data'), own]) {
        const run = start(data, join(dir, 'demo'));
        await run.url;
        const { code, stdout } = await run.stop();
        assert.equal(code, 0);
        assert.doesNotMatch(stdout, /seeding/);
      }
      assert.equal((await meta(own, 'demo/seeded')).items, 1);
    },
  );

  test(
    'one writer per data directory: a second start and an import beside a server are refused, naming it',
    { timeout: 180_000 },
    async () => {
      const data = join(dir, 'data');
      const run = start(data, join(dir, 'demo'));
      await run.url;
      try {
        const second = await start(data, join(dir, 'demo')).exited;
        assert.equal(second.code, 1);
        assert.match(second.stderr, /data directory .* is in use by a Gu server \(process \d+, since /);
        assert.match(second.stderr, /another --data directory/);
        // A cluster's writer refused the same way ends the cluster, not waits forever.
        const cluster = await start(data, join(dir, 'demo'), '--workers', '2').exited;
        assert.equal(cluster.code, 1);
        assert.match(cluster.stderr, /in use by a Gu server/);
        assert.match(cluster.stderr, /the writer \(pid \d+\) exited \(code 1\); stopping Gu/);
        const importing = importUsers(data);
        assert.equal(importing.status, 1);
        assert.match(importing.stderr, /in use by a Gu server .*POST \/v1\/events/);
      } finally {
        assert.equal((await run.stop()).code, 0);
      }
      const importing = importUsers(data);
      assert.equal(importing.status, 0, importing.stderr);
      assert.match(importing.stdout, /users: 1 imported/);
    },
  );
});
