import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { pin } from '@gu/server';
import { installed } from './installed.js';
import { openLoop } from './open-loop.js';
import { numbered } from './sequence.js';

export interface LoadResult {
  /** Which program sent the load. */
  generator: LoadGenerator;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  seconds: number;
  /** Open loop only: the rate asked for, the 99.9th percentile, and measured requests never answered. */
  rate?: number;
  p999Ms?: number;
  unanswered?: number;
  /** Open loop only: how late the generator itself sent (OpenLoopResult). */
  senderLateP99Ms?: number;
  senderLateMaxMs?: number;
}

/**
 * wrk (Debian's package, in C) costs the machine far less per request than autocannon (JavaScript): on the
 * 2 cores that the load generator shares with the server, that is CPU the server under test keeps.
 */
export type LoadGenerator = 'wrk' | 'autocannon' | 'open-loop';

export interface LoadRequest {
  path: string;
  /** `{seq}` in a body becomes the request's sequence number, 12 digits, unique within the run (event ids). */
  body?: string;
}

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** The requests to send, in turn, starting over at the end. */
  requests: readonly LoadRequest[];
  generator?: LoadGenerator;
  /** CPUs (a taskset list) the load generator runs on; unset, wherever the system puts it. */
  cpus?: string;
  /**
   * Requests per second sent whatever the answers (open-loop.ts), each timed from when it was due, after a
   * warm-up of 2 s at that rate; unset, each connection sends its next request when the last is answered.
   */
  rate?: number;
}

/** wrk when it is installed, else autocannon. */
export function defaultGenerator(): LoadGenerator {
  return installed('wrk') ? 'wrk' : 'autocannon';
}

/** Drives a server over HTTP/1.1 keep-alive connections, one request in flight per connection. */
export function load(o: LoadOptions): Promise<LoadResult> {
  if (!o.requests.length) throw new Error('a load needs at least one request');
  if (o.rate !== undefined) return inThisProcess(o, () => atRate(o, o.rate!));
  return (o.generator ?? defaultGenerator()) === 'wrk' ? withWrk(o) : withAutocannon(o);
}

/** Runs a load generator that lives in this process, pinned for the run and then given every core back. */
async function inThisProcess<T>(o: LoadOptions, run: () => Promise<T>): Promise<T> {
  if (o.cpus) pin(process.pid, o.cpus);
  try {
    return await run();
  } finally {
    if (o.cpus) pin(process.pid, `0-${os.cpus().length - 1}`);
  }
}

async function atRate(o: LoadOptions, rate: number): Promise<LoadResult> {
  const r = await openLoop({ ...o, rate, warmupSeconds: 2 });
  return { generator: 'open-loop', ...r };
}

async function withAutocannon(o: LoadOptions): Promise<LoadResult> {
  let seq = 0;
  const result = await inThisProcess(o, () =>
    autocannon({
      url: o.url,
      connections: o.connections,
      duration: o.seconds,
      method: o.method ?? 'GET',
      headers: { 'content-type': 'application/json', ...o.headers },
      requests: [
        {
          setupRequest: (req) => {
            const n = seq++;
            const { path, body } = o.requests[n % o.requests.length];
            return { ...req, path, ...(body === undefined ? {} : { body: numbered(body, n) }) };
          },
        },
      ],
    }),
  );
  return {
    generator: 'autocannon',
    requestsPerSecond: Math.round(result.requests.total / o.seconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    seconds: o.seconds,
  };
}

/** A Lua long string that nothing inside can close early. */
const lua = (s: string) => {
  let level = 1;
  while (s.includes(`]${'='.repeat(level)}]`)) level++;
  const eq = '='.repeat(level);
  return `[${eq}[${s}]${eq}]`;
};

/**
 * The wrk script: the requests, one a line (a path, a tab, a body), are read into a table and taken in turn,
 * `{seq}` replaced by a counter; at the end one JSON line with the figures (wrk counts in microseconds).
 */
function wrkScript(o: LoadOptions, requestsFile: string): string {
  const headers = { 'content-type': 'application/json', ...o.headers };
  return `local pool = {}
for line in io.lines(${lua(requestsFile)}) do
  local tab = line:find("\t", 1, true)
  if tab then pool[#pool + 1] = { line:sub(1, tab - 1), line:sub(tab + 1) }
  else pool[#pool + 1] = { line, nil } end
end
local headers = {${Object.entries(headers)
    .map(([k, v]) => `[ ${lua(k)} ] = ${lua(v)}`)
    .join(',')}}
local seq = 0
request = function()
  local r = pool[(seq % #pool) + 1]
  local body = r[2]
  if body then body = body:gsub("{seq}", string.format("%012d", seq)) end
  seq = seq + 1
  return wrk.format(${lua(o.method ?? 'GET')}, r[1], headers, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"microseconds":%d,"non2xx":%d,"errors":%d,"p50":%d,"p99":%d,"max":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
`;
}

/** One request a line; a path has no tab or newline, and a JSON body has neither outside its strings. */
function requestLines(requests: readonly LoadRequest[]): string {
  return requests
    .map(({ path, body }) => {
      if (/[\t\n]/.test(path) || (body !== undefined && /[\t\n]/.test(body)))
        throw new Error(`a request for wrk may hold no tab or newline: ${path}`);
      return body === undefined ? path : `${path}\t${body}`;
    })
    .join('\n');
}

async function withWrk(o: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(os.tmpdir(), 'gu-wrk-'));
  const [script, requests] = [join(dir, 'load.lua'), join(dir, 'requests.txt')];
  writeFileSync(requests, requestLines(o.requests) + '\n');
  writeFileSync(script, wrkScript(o, requests));
  try {
    // One thread: the other core is the server's.
    const args = ['-t1', `-c${o.connections}`, `-d${o.seconds}s`, '--timeout', '5s', '-s', script, o.url];
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        o.cpus ? 'taskset' : 'wrk',
        o.cpus ? ['--cpu-list', o.cpus, 'wrk', ...args] : args,
        { maxBuffer: 1 << 20 },
        (error, out, err) =>
          error ? reject(new Error(`wrk failed: ${err || error.message}`)) : resolve(out),
      ),
    );
    const line = stdout.split('\n').find((l) => l.startsWith('{"requests"'));
    if (!line) throw new Error(`wrk printed no summary:\n${stdout}`);
    const r = JSON.parse(line) as Record<string, number>;
    const ms = (us: number) => Math.round(us / 10) / 100;
    return {
      generator: 'wrk',
      requestsPerSecond: Math.round(r.requests / (r.microseconds / 1e6)),
      p50Ms: ms(r.p50),
      p99Ms: ms(r.p99),
      maxMs: ms(r.max),
      requests: r.requests,
      non2xx: r.non2xx,
      errors: r.errors,
      seconds: o.seconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
