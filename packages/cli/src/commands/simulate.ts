import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, InvalidArgumentError } from 'commander';
import { mulberry32 } from '@gu/core';
import { formatVnd, GuApiError, GuClient, type CategoryNode } from '@gu/sdk';
import { percentile } from '../bench/percentile.js';
import { positiveInt } from '../io/args.js';
import { Progress } from '../io/progress.js';
import { DEFAULT_BEHAVIOUR, visit, type Shopper, type VariantTally } from '../simulate/shopper.js';

interface SimulateFlags {
  url: string;
  key?: string;
  data: string;
  visits: number;
  shoppers: number;
  concurrency: number;
  rate?: number;
  seed: number;
  json?: boolean;
}

/** What a simulation did, printed (or as --json) at its end. */
export interface SimulationSummary {
  url: string;
  visits: number;
  pages: number;
  seconds: number;
  events: { sent: number; accepted: number; rejected: number };
  recommendations: { lists: number; fallbacks: number; p50Ms: number | null; p99Ms: number | null };
  /** Lists served in running A/B tests' variants ("experiment/variant"), with impressions and clicks. */
  variants: Record<string, VariantTally>;
  impressions: number;
  clicks: number;
  ctr: number;
  orders: number;
  conversion: number;
  averageOrderVnd: number | null;
}

/**
 * The key to call with: --key, else the secret key of the data directory that gu start keeps (keys.json),
 * else GU_SECRET_KEY. The secret key is the shop's own and is not throttled; a public key works too, at the
 * server's rate limit.
 */
function keyOf(flags: SimulateFlags): string {
  if (flags.key) return flags.key;
  const file = join(flags.data, 'keys.json');
  if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { secretKey: string }).secretKey;
  if (process.env.GU_SECRET_KEY) return process.env.GU_SECRET_KEY;
  throw new Error(`no key: pass --key, or --data with the data directory gu start uses (no ${file})`);
}

/** Every category of the tree with its item count, at any level: what a shopper may come for. */
function tastes(nodes: readonly CategoryNode[]): CategoryNode[] {
  return nodes.flatMap((n) => (n.children.length ? tastes(n.children) : [n]));
}

/** Returning shoppers sim-u1…sim-uN, each with a category they come for, drawn by the catalog's weight. */
function shopperPool(size: number, categories: CategoryNode[], random: () => number): Shopper[] {
  const total = categories.reduce((sum, c) => sum + c.count, 0);
  const draw = () => {
    let at = random() * total;
    for (const c of categories) if ((at -= c.count) < 0) return c.name;
    return categories[categories.length - 1].name;
  };
  return Array.from({ length: size }, (_, k) => ({ userId: `sim-u${k + 1}`, taste: draw() }));
}

/** An API failure as what to do about it. */
function explained(error: unknown, url: string): Error {
  if (!(error instanceof GuApiError)) return error as Error;
  if (error.status === 0)
    return new Error(`no Gu answers at ${url} (is gu start running?): ${error.message}`);
  if (error.status === 401 || error.status === 403)
    return new Error(
      `${url} refused the key (${error.message}): pass --key, or --data with gu start's directory`,
    );
  if (error.status === 429)
    return new Error(
      `${url} throttled the simulation (${error.message}): use the secret key or raise GU_RATE_LIMIT`,
    );
  return new Error(`${url} answered ${error.status} ${error.code}: ${error.message}`);
}

async function simulate(flags: SimulateFlags): Promise<SimulationSummary> {
  const client = new GuClient({ baseUrl: flags.url, apiKey: keyOf(flags) });
  const categories = tastes(await client.categories());
  if (!categories.length)
    throw new Error(`${flags.url} has no available item to shop for: import a catalog first`);
  const pool = shopperPool(flags.shoppers, categories, mulberry32(flags.seed));
  const summary: SimulationSummary = {
    url: flags.url,
    visits: 0,
    pages: 0,
    seconds: 0,
    events: { sent: 0, accepted: 0, rejected: 0 },
    recommendations: { lists: 0, fallbacks: 0, p50Ms: null, p99Ms: null },
    variants: {},
    impressions: 0,
    clicks: 0,
    ctr: 0,
    orders: 0,
    conversion: 0,
    averageOrderVnd: null,
  };
  const latencies: number[] = [];
  let revenue = 0;
  const progress = new Progress();
  progress.start('simulating shoppers', flags.visits);
  const started = performance.now();
  let next = 0;
  // A few shoppers at once, as a shop's traffic overlaps; three in ten visits are anonymous.
  const worker = async () => {
    while (next < flags.visits) {
      // Paced, visit k starts no sooner than k / rate seconds in: steady traffic for a dashboard to watch.
      if (flags.rate) {
        const wait = started + (next * 1000) / flags.rate - performance.now();
        if (wait > 0) await sleep(wait);
        if (next >= flags.visits) break;
      }
      // Each visit draws from a stream of its own, so who visits and what they would choose does not depend
      // on how the visits under way interleave (what Gu answers them does: it learns as they go).
      const choices = mulberry32(flags.seed * 1_000_003 + next++);
      // An anonymous visitor's taste is drawn as the returning shoppers' were: one of theirs at random.
      const drawn = pool[Math.floor(choices() * pool.length)];
      const shopper: Shopper = choices() < 0.3 ? { taste: drawn.taste } : drawn;
      const t = await visit(client, shopper, DEFAULT_BEHAVIOUR, choices);
      summary.visits++;
      summary.pages += t.pages;
      summary.events.sent += t.sent;
      summary.events.accepted += t.accepted;
      summary.events.rejected += t.rejected;
      summary.recommendations.fallbacks += t.fallbacks;
      latencies.push(...t.latencies);
      summary.impressions += t.impressions;
      summary.clicks += t.clicks;
      for (const [name, v] of Object.entries(t.variants)) {
        const sum = (summary.variants[name] ??= { lists: 0, impressions: 0, clicks: 0 });
        sum.lists += v.lists;
        sum.impressions += v.impressions;
        sum.clicks += v.clicks;
      }
      if (t.order !== undefined) {
        summary.orders++;
        revenue += t.order;
      }
      progress.update(summary.visits);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(flags.concurrency, flags.visits) }, worker));
  } catch (error) {
    progress.stop(false);
    throw error;
  }
  progress.stop();
  const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
  latencies.sort((a, b) => a - b);
  summary.seconds = round((performance.now() - started) / 1000);
  summary.recommendations.lists = latencies.length;
  if (latencies.length) {
    summary.recommendations.p50Ms = round(percentile(latencies, 50));
    summary.recommendations.p99Ms = round(percentile(latencies, 99));
  }
  summary.ctr = summary.impressions ? round(summary.clicks / summary.impressions, 4) : 0;
  summary.conversion = round(summary.orders / summary.visits, 4);
  summary.averageOrderVnd = summary.orders ? Math.round(revenue / summary.orders) : null;
  return summary;
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

export const simulateCommand = new Command('simulate')
  .description(
    'Send shoppers through a running Gu: visits to the home page, product pages and the cart that view, click ' +
      'recommendations of their taste, add to the cart and order, through the public API and the events the ' +
      "tracker sends; the dashboard's KPIs and A/B tests then have traffic to show.",
  )
  .option(
    '--url <url>',
    'where Gu answers',
    `http://${process.env.GU_HOST ?? '127.0.0.1'}:${process.env.GU_PORT ?? 8080}`,
  )
  .option('--key <key>', "API key (default: the secret key in --data's keys.json)")
  .option('--data <dir>', 'the data directory of gu start, for its key', './data')
  .option('--visits <n>', 'visits to simulate', positiveInt('--visits'), 200)
  .option('--shoppers <n>', 'returning shoppers the visits are drawn from', positiveInt('--shoppers'), 100)
  .option('--concurrency <n>', 'visits under way at once', positiveInt('--concurrency'), 4)
  .option(
    '--rate <n>',
    'visits started per second, for steady traffic (default: as fast as --concurrency allows)',
    positiveInt('--rate'),
  )
  .option('--seed <n>', "seed of the shoppers' choices", positiveInt('--seed'), 1)
  .option('--json', 'print the summary as JSON')
  .action(async (flags: SimulateFlags) => {
    try {
      new URL(flags.url);
    } catch {
      throw new InvalidArgumentError(`--url must be a URL such as http://127.0.0.1:8080, not "${flags.url}"`);
    }
    const s = await simulate(flags).catch((error: unknown) => {
      throw explained(error, flags.url);
    });
    if (flags.json) return console.log(JSON.stringify(s, null, 2));
    const r = s.recommendations;
    console.log(`simulated ${s.visits} visits (${s.pages} pages) against ${s.url} in ${s.seconds} s`);
    console.log(
      `events: ${s.events.sent} sent, ${s.events.accepted} accepted, ${s.events.rejected} rejected`,
    );
    console.log(
      `recommendations: ${r.lists} lists, round trip p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.fallbacks} fallbacks`,
    );
    console.log(
      `impressions ${s.impressions} · clicks ${s.clicks} (CTR ${percent(s.ctr)}) · orders ${s.orders} ` +
        `(conversion ${percent(s.conversion)}) · average order ${s.averageOrderVnd === null ? '–' : formatVnd(s.averageOrderVnd, 'en')}`,
    );
    for (const [name, v] of Object.entries(s.variants))
      console.log(
        `A/B ${name}: ${v.lists} lists · impressions ${v.impressions} · clicks ${v.clicks} ` +
          `(CTR ${percent(v.impressions ? v.clicks / v.impressions : 0)})`,
      );
    if (s.events.rejected) process.exitCode = 1;
  });
