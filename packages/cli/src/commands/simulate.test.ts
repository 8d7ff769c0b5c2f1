import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { loadConfig, startServer } from '@gu/server';

const main = new URL('../main.js', import.meta.url).pathname;
const SECRET_KEY = 'sk_simulate_test';

/** `gu simulate` in a child process (the server answers from this one meanwhile). */
function simulate(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [main, 'simulate', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('gu simulate sends shoppers through a running Gu', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    const config = loadConfig({
      store: 'memory:',
      port: 0,
      publicKey: 'pk_simulate_test',
      secretKey: SECRET_KEY,
      logLevel: 'warn',
      retrainHours: 0,
      homeListThreads: 0,
    });
    server = await startServer(config);
    // Three aisles of ten items, VND prices.
    const aisles = [
      ['thoi-trang', 'ao-thun'],
      ['thoi-trang', 'giay-dep'],
      ['nha-cua', 'do-bep'],
    ];
    await server.gu.putItems(
      aisles.flatMap((categories, a) =>
        Array.from({ length: 10 }, (_, k) => ({
          itemId: `${categories[1]}-${k}`,
          title: `${categories[1]} ${k}`,
          categories,
          price: 100_000 + 10_000 * (a * 10 + k),
        })),
      ),
    );
  });
  after(() => server.close());

  test(
    'every event it sends is accepted, and the KPIs count what it reports',
    { timeout: 120_000 },
    async () => {
      const run = await simulate('--url', server.url, '--key', SECRET_KEY, '--visits', '40', '--json');
      assert.equal(run.code, 0, run.stderr);
      const s = JSON.parse(run.stdout);
      assert.equal(s.visits, 40);
      assert.ok(s.pages >= 40, `${s.pages} pages`);
      assert.equal(s.events.rejected, 0);
      assert.equal(s.events.accepted, s.events.sent);
      assert.ok(s.impressions > 0 && s.clicks > 0, `${s.impressions} impressions, ${s.clicks} clicks`);
      assert.equal(s.recommendations.lists, s.pages, 'a list on every page');
      await server.gu.processor.drain();
      const kpis = server.gu.kpis.report(60);
      const widgets = Object.values(kpis.widgets) as { impressions: number; clicks: number }[];
      assert.equal(
        widgets.reduce((sum, w) => sum + w.impressions, 0),
        s.impressions,
      );
      assert.equal(
        widgets.reduce((sum, w) => sum + w.clicks, 0),
        s.clicks,
      );
      assert.equal(kpis.orders, s.orders);
    },
  );

  test(
    'feeds a running A/B test: its impressions and clicks per variant are what the simulation reports',
    { timeout: 120_000 },
    async () => {
      const { id } = await server.gu.experiments.start({
        name: 'simulated',
        placement: 'home',
        variants: [
          { name: 'a', recipe: 'popular' },
          { name: 'b', recipe: 'trending' },
        ],
      });
      const run = await simulate('--url', server.url, '--key', SECRET_KEY, '--visits', '30', '--json');
      assert.equal(run.code, 0, run.stderr);
      const s = JSON.parse(run.stdout) as {
        variants: Record<string, { impressions: number; clicks: number }>;
      };
      await server.gu.processor.drain();
      const { results } = server.gu.experiments.get(id);
      for (const v of results!.variants) {
        const reported = s.variants[`${id}/${v.name}`] ?? { impressions: 0, clicks: 0 };
        assert.deepEqual([v.impressions, v.clicks], [reported.impressions, reported.clicks], v.name);
      }
      assert.ok(Object.keys(s.variants).length === 2, `both variants served: ${Object.keys(s.variants)}`);
      await server.gu.experiments.stop(id);
    },
  );

  test(
    '--rate paces the visits: the sixth at three a second starts 5/3 s in',
    { timeout: 60_000 },
    async () => {
      const run = await simulate(
        '--url',
        server.url,
        '--key',
        SECRET_KEY,
        '--visits',
        '6',
        '--rate',
        '3',
        '--json',
      );
      assert.equal(run.code, 0, run.stderr);
      const s = JSON.parse(run.stdout);
      assert.equal(s.visits, 6);
      // The sixth starts 5/3 s in: the run cannot end sooner, however fast the server answers.
      assert.ok(s.seconds >= 5 / 3, `${s.seconds} s`);
    },
  );

  test('says what is wrong: no server, a refused key, no key, a bad URL', async () => {
    const closed = await simulate('--url', 'http://127.0.0.1:9', '--key', SECRET_KEY, '--visits', '1');
    assert.equal(closed.code, 1);
    assert.match(closed.stderr, /no Gu answers at http:\/\/127\.0\.0\.1:9 \(is gu start running\?\)/);
    const refused = await simulate('--url', server.url, '--key', 'sk_wrong', '--visits', '1');
    assert.match(refused.stderr, /refused the key \(unknown API key\)/);
    const keyless = await simulate('--url', server.url, '--data', '/nonexistent/gu-data', '--visits', '1');
    assert.match(keyless.stderr, /no key: pass --key, or --data/);
    const bad = await simulate('--url', 'nowhere', '--key', SECRET_KEY);
    assert.match(bad.stderr, /--url must be a URL such as http:\/\/127\.0\.0\.1:8080, not "nowhere"/);
  });
});
