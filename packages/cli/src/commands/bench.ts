import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { createRecipe, DEFAULT_TRAINING_RECIPES } from '@gu/core';
import { coreSplit, pinServer, type CoreSplit } from '../bench/cores.js';
import { load, type LoadGenerator, type LoadResult } from '../bench/load.js';
import { machineStalls } from '../bench/machine-stalls.js';
import { percentile } from '../bench/percentile.js';
import { startTarget } from '../bench/run-target.js';
import { serverAccount, total } from '../bench/server-account.js';
import { sustainedRate } from '../bench/sustained-rate.js';
import { syntheticShop } from '../bench/synthetic.js';
import type { TargetOptions } from '../bench/target.js';
import { positiveInt } from '../io/args.js';
import { peakMemory } from '../io/memory.js';

interface BenchFlags {
  items: number;
  users: number;
  eventsPerUser: number;
  seconds: number;
  connections: number;
  batch: number;
  samples: number;
  /** Unset: wrk when installed (decided when a load runs, not when any gu command starts). */
  loadGenerator?: LoadGenerator;
  /** serve: the server's JavaScript thread on all cores but the last, the load generator on the last (cores.ts). */
  pin: boolean;
  /** Serving replicas beside a writer process (`gu start --workers`); 1 serves from one process. */
  workers: number;
  /** serve: requests per second sent open-loop (load.ts), instead of as fast as the connections allow. */
  rate?: number;
  /** serve: also find the highest open-loop rate each placement sustains with p99 within this many ms. */
  findRate?: number;
  json?: boolean;
}

const machine = () => ({
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model.trim(),
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
});

async function withTarget<T>(
  options: Omit<TargetOptions, 'store'>,
  work: (t: Awaited<ReturnType<typeof startTarget>>) => Promise<T>,
) {
  const dir = mkdtempSync(join(os.tmpdir(), 'gu-bench-'));
  const target = await startTarget({ ...options, store: `sqlite:${dir}` });
  try {
    return { setupSeconds: target.setupSeconds, rssMb: target.rssMb, ...(await work(target)) };
  } finally {
    target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Bare Fastify answering hello-JSON: the machine's ceiling, measured in the same run for the ratio, on the
 * same cores as the Gu target it is compared with.
 */
async function bare(flags: BenchFlags, cores?: CoreSplit) {
  const target = await startTarget({
    kind: 'bare',
    store: 'memory:',
    items: 0,
    users: 0,
    eventsPerUser: 0,
    models: false,
  });
  try {
    if (cores) pinServer(target.pid, cores);
    const run = (rate = flags.rate) =>
      load({
        url: target.url,
        connections: flags.connections,
        seconds: flags.seconds,
        requests: [{ path: '/hello' }],
        generator: flags.loadGenerator,
        cpus: cores?.load,
        rate,
      });
    const result = await run();
    return flags.findRate ? { ...result, sustained: await sustain(flags.findRate, result, run) } : result;
  } finally {
    target.stop();
  }
}

/** The highest rate sustained with p99 within budgetMs, bisected below the throughput of a closed-loop run. */
async function sustain(
  budgetMs: number,
  closedLoop: LoadResult,
  probe: (rate: number) => Promise<LoadResult>,
) {
  return { budgetMs, ...(await sustainedRate(probe, closedLoop.requestsPerSecond, budgetMs)) };
}

/** A target serving the synthetic shop the flags describe, with trained models. */
const shopOf = (flags: BenchFlags) => ({
  kind: 'gu' as const,
  items: flags.items,
  users: flags.users,
  eventsPerUser: flags.eventsPerUser,
  models: true,
  workers: flags.workers,
});

async function serve(flags: BenchFlags) {
  // Before anything else runs: the floor under every latency below.
  const stalls = await machineStalls(5);
  const shop = { ...shopOf(flags), pin: flags.pin };
  // A cluster pins its replicas itself (gu start --pin), one to a core; the load generator goes where the
  // scheduler puts it.
  const cores = flags.pin && flags.workers === 1 ? coreSplit() : undefined;
  const gu = await withTarget(shop, async (t) => {
    // Set up on every core; measured on the server's share of them.
    if (cores) pinServer(t.pid, cores);
    const headers = { 'x-api-key': t.publicKey! };
    // Shoppers and items drawn uniformly, a fresh draw for every request a phase can send: drawn again for
    // each phase, so that no phase finds answers cached by an earlier one.
    const draws = Math.min(200_000, flags.seconds * 20_000);
    const pool = (path: () => string) => () => Array.from({ length: draws }, () => ({ path: path() }));
    const user = () => `u${Math.floor(Math.random() * flags.users)}`;
    const placements = {
      home: pool(() => `/v1/recommendations?userId=${user()}&placement=home&n=10`),
      pdp: pool(
        () =>
          `/v1/recommendations?userId=${user()}&itemId=i${Math.floor(Math.random() * flags.items)}&placement=pdp&n=10`,
      ),
      cart: pool(() => `/v1/recommendations?userId=${user()}&placement=cart&n=10`),
    };
    const scrape = async () => (await fetch(`${t.url}/metrics`)).text();
    const phase = async (draw: typeof placements.home, seconds = flags.seconds, rate = flags.rate) => {
      const requests = draw();
      const before = await scrape();
      const result = await load({
        url: t.url,
        connections: flags.connections,
        seconds,
        headers,
        requests,
        generator: flags.loadGenerator,
        cpus: cores?.load,
        rate,
      });
      return { ...result, server: serverAccount(before, await scrape(), '/v1/recommendations') };
    };
    /** A placement's phase, and with --find-rate the rate it sustains. */
    const measure = async (draw: typeof placements.home) => {
      const result = await phase(draw);
      if (!flags.findRate) return result;
      return {
        ...result,
        sustained: await sustain(flags.findRate, result, (rate) => phase(draw, flags.seconds, rate)),
      };
    };
    const setUp = await scrape();
    // Warm up the JIT and the code paths before measuring.
    await phase(placements.home, 2);
    const home = await measure(placements.home);
    const pdp = await measure(placements.pdp);
    const cart = await measure(placements.cart);
    const status = (await (
      await fetch(`${t.url}/v1/admin/status`, { headers: { 'x-api-key': t.secretKey! } })
    ).json()) as { homeLists: { lastPreparation: unknown } };
    // Counted by every serving process: /metrics adds a cluster's up, where the status is the writer's own.
    const text = await scrape();
    return {
      home,
      pdp,
      cart,
      rssMb: Math.round(total(setUp, 'gu_process_resident_memory_bytes') / 2 ** 20),
      cache: { hits: total(text, 'gu_cache_hits'), misses: total(text, 'gu_cache_misses') },
      homeLists: {
        hits: total(text, 'gu_home_list_hits'),
        misses: total(text, 'gu_home_list_misses'),
        lastPreparation: status.homeLists.lastPreparation,
      },
    };
  });
  return {
    bench: 'serve',
    settings: flags,
    machine: { ...machine(), stalls },
    cores,
    bare: await bare(flags, cores),
    gu,
  };
}

async function ingest(flags: BenchFlags) {
  const gu = await withTarget(
    { kind: 'gu', items: 0, users: 0, eventsPerUser: 0, models: false, workers: flags.workers },
    async (t) => {
      const now = Date.now();
      // Batch templates whose event ids get the request's sequence number: time-ordered and unique, as the
      // SDK makes them (ULIDs); random ones slow the log's unique index down.
      const requests = Array.from({ length: 1000 }, (_, b) => ({
        path: '/v1/events',
        body: JSON.stringify(
          Array.from({ length: flags.batch }, (_, k) => {
            const n = b * flags.batch + k;
            return {
              eventId: `b{seq}-${String(k).padStart(4, '0')}`,
              eventType: 'view',
              userId: `u${n % 100_000}`,
              itemId: `i${n % 5000}`,
              timestamp: now,
            };
          }),
        ),
      }));
      const headers = { 'x-api-key': t.publicKey! };
      const result = await load({
        url: t.url,
        connections: flags.connections,
        seconds: flags.seconds,
        method: 'POST',
        headers,
        requests,
        generator: flags.loadGenerator,
      });
      // The stream processor runs behind the acknowledgements: how long until it has consumed the whole log.
      const loadEnded = performance.now();
      let status: { logEnd: number; lag: number };
      for (;;) {
        const response = await fetch(`${t.url}/v1/admin/status`, { headers: { 'x-api-key': t.secretKey! } });
        status = (await response.json()) as typeof status;
        if (status.lag <= 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const acknowledged = (result.requests - result.non2xx) * flags.batch;
      return {
        eventsPerSecond: Math.round(acknowledged / flags.seconds),
        batch: flags.batch,
        requests: result,
        acknowledged,
        inLog: status.logEnd,
        processorCaughtUpSeconds: Math.round((performance.now() - loadEnded) / 100) / 10,
      };
    },
  );
  return { bench: 'ingest', settings: flags, machine: machine(), bare: await bare(flags), gu };
}

async function freshness(flags: BenchFlags) {
  const shop = shopOf(flags);
  const gu = await withTarget(shop, async (t) => {
    const headers = { 'x-api-key': t.publicKey!, 'content-type': 'application/json' };
    const recs = async (user: string) =>
      (
        (await (
          await fetch(`${t.url}/v1/recommendations?userId=${user}&placement=home&n=10`, { headers })
        ).json()) as {
          items: { itemId: string }[];
        }
      ).items.map((i) => i.itemId);
    const delays: number[] = [];
    let polls = 0;
    for (let s = 0; s < flags.samples; s++) {
      const user = `u${Math.floor(Math.random() * flags.users)}`;
      const [top] = await recs(user);
      if (!top) continue;
      // The shopper views the item at the top of their list; once Gu knows, it leaves the list (seen items are excluded).
      const event = {
        eventId: `fresh-${s}`,
        eventType: 'view',
        userId: user,
        itemId: top,
        timestamp: Date.now(),
      };
      const response = await fetch(`${t.url}/v1/events`, {
        method: 'POST',
        headers,
        body: JSON.stringify([event]),
      });
      if (!response.ok) throw new Error(`ingest failed: ${response.status} ${await response.text()}`);
      const acked = performance.now();
      for (;;) {
        polls++;
        if (!(await recs(user)).includes(top)) break;
      }
      delays.push(performance.now() - acked);
    }
    delays.sort((a, b) => a - b);
    const ms = (x: number) => Math.round(x * 100) / 100;
    return {
      samples: delays.length,
      p50Ms: ms(percentile(delays, 50)),
      p99Ms: ms(percentile(delays, 99)),
      maxMs: ms(delays[delays.length - 1]),
      pollsPerSample: ms(polls / delays.length),
    };
  });
  return { bench: 'freshness', settings: flags, machine: machine(), gu };
}

/**
 * Training at scale (PRODUCT.md §8: 10M interactions in ≤ 5 minutes within 4 GB): every served recipe fitted on
 * a synthetic shop of users × events-per-user interactions, in this process, timed one by one.
 */
async function train(flags: BenchFlags) {
  const started = performance.now();
  const shop = syntheticShop({
    items: flags.items,
    users: flags.users,
    eventsPerUser: flags.eventsPerUser,
    categories: 200,
    now: Date.now(),
  });
  const memory = peakMemory();
  const recipes = [];
  for (const name of DEFAULT_TRAINING_RECIPES.filter((r) => r !== 'personalized-ranking')) {
    const t0 = performance.now();
    await createRecipe(name).fit(shop.interactions);
    recipes.push({ recipe: name, seconds: Math.round((performance.now() - t0) / 100) / 10 });
    process.stderr.write(`${name}: ${recipes.at(-1)!.seconds} s\n`);
  }
  return {
    bench: 'train',
    settings: flags,
    machine: machine(),
    interactions: shop.interactions.item.length,
    recipes,
    trainSeconds: Math.round(recipes.reduce((n, r) => n + r.seconds, 0) * 10) / 10,
    peakMemoryMb: memory.stop(),
    wallSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

const benches = { serve, ingest, freshness, train };

export const benchCommand = new Command('bench')
  .description(
    "Measure the running system (PRODUCT.md §8): serve (recommendations/s and latency), ingest (events/s durably acknowledged), freshness (event acknowledged → reflected in that shopper's recommendations), train (every served recipe fitted on users × events-per-user synthetic interactions, with peak memory). Servers run in a child process; serve and ingest also measure bare Fastify in the same run.",
  )
  .argument('<which>', 'serve | ingest | freshness | train')
  .option('--items <n>', 'catalog size of the synthetic shop', positiveInt('--items'), 100_000)
  .option('--users <n>', 'shoppers in the synthetic shop', positiveInt('--users'), 1_000_000)
  .option('--events-per-user <n>', 'mean history length', positiveInt('--events-per-user'), 8)
  .option('--seconds <n>', 'duration of each load phase', positiveInt('--seconds'), 10)
  .option('--connections <n>', 'concurrent connections', positiveInt('--connections'), 50)
  .option('--batch <n>', 'ingest: events per request', positiveInt('--batch'), 100)
  .option('--samples <n>', 'freshness: events timed', positiveInt('--samples'), 500)
  .option(
    '--load-generator <name>',
    'wrk (Debian package; far less CPU per request, which on a shared machine stays with the server) or autocannon (default: wrk when installed)',
    (v: string) => {
      if (v !== 'wrk' && v !== 'autocannon') throw new Error(`expected wrk or autocannon, not ${v}`);
      return v;
    },
  )
  .option(
    '--no-pin',
    "serve: let the server and the load generator share every core (by default the server's JavaScript thread gets all cores but the last, and its helper threads share the last with the load generator: cores.ts says why; with --workers, each serving replica gets a core of its own, as gu start --pin)",
  )
  .option(
    '--workers <n>',
    'serve, ingest, freshness: serving processes beside a writer process, as gu start --workers (1: one process); serve pins them as --no-pin says',
    positiveInt('--workers'),
    1,
  )
  .option(
    '--rate <n>',
    "serve: send this many requests per second whatever the answers, each timed from when it was due (Gu's open-loop generator; a stall delays every request due during it, as with real shoppers), instead of each connection sending as soon as its last answer came (wrk, autocannon)",
    positiveInt('--rate'),
  )
  .option(
    '--find-rate <p99 ms>',
    "serve: after each placement's phase, find the highest rate it sustains with p99 within this many milliseconds (open loop, bisecting below the phase's throughput; up to 6 rates, each kept only when two probes of --seconds in a row keep it)",
    positiveInt('--find-rate'),
  )
  .option('--json', 'print one JSON object')
  .action(async (which: string, flags: BenchFlags) => {
    const bench = benches[which as keyof typeof benches];
    if (!bench) throw new Error(`unknown benchmark ${which}: use serve, ingest, freshness or train`);
    if ((flags.rate ?? flags.findRate) !== undefined && which !== 'serve')
      throw new Error('--rate and --find-rate are for gu bench serve');
    if (flags.rate !== undefined && flags.findRate !== undefined)
      throw new Error('--find-rate bisects rates itself: leave out --rate');
    if (flags.rate !== undefined && flags.loadGenerator)
      throw new Error('--rate sends with the open-loop generator: leave out --load-generator');
    const result = await bench(flags);
    console.log(JSON.stringify(result, null, flags.json ? 2 : 1));
  });
