// Measures the running platform with `gu bench serve|ingest|freshness|train --json` and writes the figures,
// with the command and the date behind each, into BENCHMARKS.md (between the platform markers). Each run's
// JSON stays in bench/out/; a section neither run now nor saved there keeps its text from BENCHMARKS.md.
// Usage: node bench/platform.mjs [--only serve,serve-workers,ingest,freshness,train] [-- gu bench flags]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { benchArgs } from './args.mjs';

const serve = [
  'bench',
  'serve',
  '--items',
  '100000',
  '--users',
  '1000000',
  '--seconds',
  '10',
  '--connections',
  '50',
  '--find-rate',
  '10',
];
const runs = {
  serve,
  // As `gu start --workers 2` runs by default: its replicas unpinned (BENCHMARKS.md says why).
  'serve-workers': [...serve, '--workers', '2', '--no-pin'],
  ingest: ['bench', 'ingest', '--seconds', '10', '--connections', '50', '--batch', '100'],
  freshness: ['bench', 'freshness', '--items', '100000', '--users', '100000', '--samples', '500'],
  train: ['bench', 'train', '--items', '100000', '--users', '1250000', '--events-per-user', '8'],
};
const { only, extra } = benchArgs(
  'Usage: node bench/platform.mjs [--only NAME,…] [-- extra gu bench flags]',
  Object.keys(runs),
  { passThrough: true },
);
mkdirSync('bench/out', { recursive: true });
const results = {};
for (const [name, args] of Object.entries(runs)) {
  const saved = `bench/out/${name}.json`;
  const command = [...args, ...extra, '--json'];
  if (only && !only.includes(name)) {
    if (existsSync(saved)) results[name] = JSON.parse(readFileSync(saved, 'utf8'));
    continue;
  }
  process.stderr.write(`\n▶ gu ${command.join(' ')}\n`);
  const out = execFileSync('node', ['packages/cli/dist/main.js', ...command], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });
  results[name] = {
    command: `gu ${command.join(' ')}`,
    measured: new Date().toISOString().slice(0, 10),
    ...JSON.parse(out),
  };
  writeFileSync(saved, JSON.stringify(results[name], null, 2));
}

const int = (x) => (x === undefined || x === null ? '–' : Math.round(x).toLocaleString('en-US'));
const ms = (x) => (x === undefined || x === null ? '–' : `${x} ms`);
/** The server's own account of a phase (gu bench serve's `server`), as three cells. */
const account = (a) =>
  a
    ? `${(100 * a.within10Ms).toFixed(2)}% | ${seconds(a.gcSeconds.minor)} / ${seconds(a.gcSeconds.major)} | ${ms(a.eventLoopDelayMs.p99)} / ${ms(a.eventLoopDelayMs.max)}`
    : '– | – | –';
const seconds = (x) => (x === undefined ? '0 s' : `${x.toFixed(2)} s`);
/** The command behind a section and the day it ran. */
const provenance = (r) => `\`${r.command}\`${r.measured ? ` (measured ${r.measured})` : ''}\n\n`;

/** Each benchmark's section: its heading (which finds the section again in BENCHMARKS.md), then its text. */
const headings = {
  serve: '#### Serving `/v1/recommendations`',
  'serve-workers': '#### Serving `/v1/recommendations` from two replicas (`--workers 2`)',
  ingest: '#### Ingest, durably acknowledged',
  freshness: "#### Freshness: event acknowledged → reflected in that shopper's recommendations",
  train: '#### Training at scale',
};
const render = {
  serve: ({ gu, bare, settings, cores, machine }) => {
    const replicas = (settings.workers ?? 1) > 1;
    const where = replicas
      ? `a writer process and ${settings.workers} serving replicas sharing the port (\`gu start --workers ${settings.workers}${settings.pin ? ' --pin' : ''}\`${settings.pin ? ': each replica on a core of its own' : ', none pinned'}), with the load generator (${bare.generator ?? 'autocannon'}, one thread) on the same 2 cores where the scheduler puts it; bare Fastify is one process, not pinned`
      : cores
        ? `the server's JavaScript thread pinned to CPU ${cores.server}, its helper threads (garbage collection, compilation) and the load generator (${bare.generator ?? 'autocannon'}, one thread) to CPU ${cores.load}`
        : `load generator (${bare.generator ?? 'autocannon'}, one thread) on the same 2 cores`;
    let md = `${int(settings.items)} items, ${int(settings.users)} shoppers with real-time state (${settings.eventsPerUser} events each on average), ${settings.connections} connections, ${settings.seconds} s per phase, ${where}; setup ${gu.setupSeconds.toFixed(0)} s, ${replicas ? 'RSS of all its processes' : 'server RSS'} ${int(gu.rssMb)} MB after setup.\n\n`;
    if (machine?.stalls)
      md += `The machine before the run: a thread spinning on each core for 5 s with nothing else running lost its core ${machine.stalls.map((c) => `${int(c.stalls)} times for ${ms(c.lostMs)} in all, the longest ${ms(c.longestMs)}${c.cpu === undefined ? '' : ` (CPU ${c.cpu})`}`).join('; ')} (gaps of 0.5 ms or more): a floor under every p99 below that no server can go beneath.\n\n`;
    md +=
      '| what | requests/s | p50 | p99 | max | non-2xx | server: answered within 10 ms | server: GC minor / major | server: event loop late p99 / max |\n|---|---|---|---|---|---|---|---|---|\n';
    const rows = [
      ['bare Fastify hello-JSON (same run)', bare],
      ['home (user-personalization, random shopper)', gu.home],
      ['pdp (similar-items for a random item, random shopper)', gu.pdp],
      ['cart (bought-together for the cart, random shopper)', gu.cart],
    ];
    for (const [label, r] of rows.filter(([, r]) => r))
      md += `| ${label} | ${int(r.requestsPerSecond)} | ${ms(r.p50Ms)} | ${ms(r.p99Ms)} | ${ms(r.maxMs)} | ${r.non2xx} | ${account(r.server)} |\n`;
    if (gu.home?.sustained) {
      md += `\nSustained: the highest rate each placement kept with p99 within ${gu.home.sustained.budgetMs} ms, found by bisection below its throughput above (${settings.seconds} s probes after 2 s of warm-up at the probe's rate; a rate counts as kept only when two probes of it in a row keep it, each with its own warm-up and requests, and the table lists each one's p99). Requests were sent open-loop at a fixed rate by Gu's own generator, each timed from when it was due, so a stall delays every request due during it (wrk times each request from when a free connection sent it). The generator sends what came due once a millisecond, which adds up to a millisecond to each time; "sender late" is how late it sent the requests that found a connection free (p99 / max): its own stalls, which count in the latencies as they would not for shoppers' browsers, shown beside a failed probe as (sender p99).\n\n`;
      md +=
        '| what | sustained requests/s | p50 | p99 | p99.9 | max | sender late | probes: rate → p99 |\n|---|---|---|---|---|---|---|---|\n';
      for (const [label, r] of rows.filter(([, r]) => r?.sustained)) {
        const { rate, result, probes } = r.sustained;
        const sender = (p) =>
          p.within || p.senderLateP99Ms === undefined ? '' : ` (${ms(p.senderLateP99Ms)})`;
        // Runs before windows were repeated hold one p99 per probe.
        const p99s = (p) => (p.windowsP99Ms ? `${p.windowsP99Ms.join(' / ')} ms` : ms(p.p99Ms));
        const tried = probes
          .map((p) => `${int(p.rate)} → ${p99s(p)}${p.within ? '' : ' ✗'}${sender(p)}`)
          .join(', ');
        const late =
          result?.senderLateP99Ms === undefined
            ? '–'
            : `${ms(result.senderLateP99Ms)} / ${ms(result.senderLateMaxMs)}`;
        md += `| ${label.split(' (')[0]} | **${int(rate)}** | ${ms(result?.p50Ms)} | ${ms(result?.p99Ms)} | ${ms(result?.p999Ms)} | ${ms(result?.maxMs)} | ${late} | ${tried} |\n`;
      }
    }
    const prep = gu.homeLists.lastPreparation;
    const prepared = prep
      ? `${int(prep.prepared)} of ${int(prep.shoppers)} shoppers' lists prepared in ${prep.seconds.toFixed(0)} s on worker threads after setup (as after a start or a promotion)`
      : 'prepared by each replica on worker threads before it announced itself ready (as after a start or a promotion)';
    md += `\nHome lists: ${prepared}; during the load ${int(gu.homeLists.hits)} home answers came from them and ${int(gu.homeLists.misses)} were ranked on the spot. Cache of whole answers (pdp, cart): ${int(gu.cache.hits)} hits, ${int(gu.cache.misses)} misses (shoppers drawn uniformly from ${int(settings.users)}: almost every such request ranks). The server columns come from its /metrics read before and after each phase: its latency histogram (\`gu_http_request_duration_seconds\`, from routing to the last byte written; p99 ≤ 10 ms means 99% there), the time it spent collecting garbage, and how late its event loop ran (sampled every 10 ms). wrk's latency also counts what keeps a request from being routed, such as a collection between requests, and wrk's own stalls.\n\n`;
    return md;
  },
  'serve-workers': (r) => render.serve(r),
  ingest: ({ gu, bare, settings }) => {
    let md = `POST /v1/events with ${settings.batch} events per request, ${settings.connections} connections, ${settings.seconds} s, load generator ${bare.generator ?? 'autocannon'} on the same 2 cores; each answer only after the SQLite commit (WAL, synchronous=FULL, group commit); time-ordered event ids; no model serving (the stream processor updates shopper state, the event store and the lake).\n\n`;
    md +=
      '| what | requests/s | events/s | p50 | p99 | events acknowledged | events in the log | processor caught up |\n|---|---|---|---|---|---|---|---|\n';
    md += `| bare Fastify hello-JSON (same run) | ${int(bare.requestsPerSecond)} | – | ${ms(bare.p50Ms)} | ${ms(bare.p99Ms)} | – | – | – |\n`;
    md += `| Gu ingest | ${int(gu.requests.requestsPerSecond)} | ${int(gu.eventsPerSecond)} | ${ms(gu.requests.p50Ms)} | ${ms(gu.requests.p99Ms)} | ${int(gu.acknowledged)} | ${int(gu.inLog)} | ${gu.processorCaughtUpSeconds} s after the load |\n\n`;
    md +=
      'The log holds more than was acknowledged: requests still in flight when the load generator stopped counting.\n\n';
    return md;
  },
  freshness: ({ gu, settings }) => {
    let md = `${int(settings.items)} items, ${int(settings.users)} shoppers. Each sample: a shopper views the item at the top of their home list; the clock starts when POST /v1/events answers and stops at the first GET /v1/recommendations without that item (seen items are excluded), polling back to back.\n\n`;
    md += '| samples | p50 | p99 | max | polls per sample |\n|---|---|---|---|---|\n';
    md += `| ${gu.samples} | ${ms(gu.p50Ms)} | ${ms(gu.p99Ms)} | ${ms(gu.maxMs)} | ${gu.pollsPerSample} |\n\n`;
    return md;
  },
  train: (train) => {
    let md = `${int(train.interactions)} synthetic interactions (${int(train.settings.users)} shoppers, ${int(train.settings.items)} items), every served recipe fitted in one process on both cores; peak resident memory ${int(train.peakMemoryMb)} MB (target: 10M interactions in ≤ 5 minutes within 4 GB).\n\n`;
    md += '| recipe | fit s |\n|---|---|\n';
    for (const r of train.recipes) md += `| ${r.recipe} | ${r.seconds} |\n`;
    md += `| **all** | **${train.trainSeconds}** |\n\n`;
    return md;
  },
};

const path = 'BENCHMARKS.md';
const current = readFileSync(path, 'utf8');
const [start, end] = ['<!-- platform:start -->', '<!-- platform:end -->'];
if (!current.includes(start)) throw new Error(`${path} has no ${start} marker`);
const block = current.slice(current.indexOf(start) + start.length, current.indexOf(end));
/** A section as BENCHMARKS.md has it now: from its heading to the next heading of its level. */
const previous = (heading) => {
  const at = block.indexOf(heading + '\n');
  if (at < 0) return undefined;
  const next = block.indexOf('\n#### ', at + heading.length);
  return block.slice(at, next < 0 ? undefined : next + 1).trimEnd() + '\n\n';
};
let md = '\n';
for (const [name, heading] of Object.entries(headings)) {
  const r = results[name];
  const section = r ? `${heading}\n\n${provenance(r)}${render[name](r)}` : previous(heading);
  if (section) md += section;
}
writeFileSync(
  path,
  current.slice(0, current.indexOf(start) + start.length) + md + current.slice(current.indexOf(end)),
);
process.stderr.write(`\nwrote ${Object.keys(results).length} measured sections into ${path}\n`);
