import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { AggregatorRegistry } from 'prom-client';
import { ServedTally, type Gu, type GuChange, type Placement, type ServedSummary } from '@gu/core';
import { allowedCpus, pin } from './cpu-affinity.js';
import type { Metrics } from './metrics.js';

/**
 * `gu start --workers N` runs one process per core: a supervisor, which shares the public port among N
 * serving replicas (Node's cluster module), and a writer. The writer is the one process that writes: it owns
 * the event log, the stores, the stream processor and training, and listens on a private port. A replica
 * serves recommendations from state it derives by following the writer's log, and forwards every other
 * request to the writer. What the log does not say (catalog, filters, models, erasures) the writer announces
 * as GuChanges, which the supervisor relays to every replica; answers served by replicas are counted at the
 * writer, whose KPIs the dashboard reads.
 */
export type ClusterMember =
  { role: 'writer'; token: string } | { role: 'replica'; token: string; writerUrl: string };

type Message =
  | { gu: 'ready'; url: string }
  | { gu: 'change'; change: GuChange }
  | { gu: 'served'; summary: ServedSummary }
  | { gu: 'metrics?'; id: number }
  | { gu: 'metrics'; id: number; text: string };

const isMessage = (m: unknown): m is Message =>
  typeof m === 'object' && m !== null && typeof (m as { gu?: unknown }).gu === 'string';
/**
 * To the supervisor. A send that fails finds the channel closed: the supervisor is gone, and a cluster worker
 * exits when it disconnects; unhandled, the failure would throw from a timer first (a replica's flush of
 * served answers while the cluster stops).
 */
const send = (m: Message) => {
  if (process.connected) process.send?.(m, undefined, undefined, () => {});
};

/** This process's part in a cluster, from the environment its supervisor started it with. */
export function clusterMember(): ClusterMember | undefined {
  if (!cluster.isWorker) return undefined;
  const token = process.env.GU_CLUSTER_TOKEN ?? '';
  const writerUrl = process.env.GU_WRITER_URL;
  if (process.env.GU_ROLE === 'writer') return { role: 'writer', token };
  if (process.env.GU_ROLE === 'replica' && writerUrl) return { role: 'replica', token, writerUrl };
  throw new Error(`a cluster worker needs GU_ROLE=writer, or GU_ROLE=replica with GU_WRITER_URL`);
}

/** Tells the supervisor that this process serves, and where. */
export const announceReady = (url: string): void => void send({ gu: 'ready', url });

/** The writer's side: every change goes to the supervisor, which relays it to the replicas. */
export const relayChange = (change: GuChange) => send({ gu: 'change', change });

/** A replica's side: its answers, tallied and sent to the writer's KPIs every quarter second. */
export function relayServed(): {
  record: (placement: Placement, tookMs: number, fallback: boolean) => void;
  stop: () => void;
} {
  const tally = new ServedTally();
  const flush = () => {
    const summary = tally.take();
    if (summary) send({ gu: 'served', summary });
  };
  const timer = setInterval(flush, 250);
  timer.unref();
  return {
    record: (placement, tookMs, fallback) => tally.record(placement, tookMs, fallback),
    stop: () => {
      clearInterval(timer);
      flush();
    },
  };
}

/**
 * Handles what the supervisor sends this process: changes for a replica (applied in the order the writer
 * made them), served answers and metrics for the writer. Returns the writer's way to ask for the metrics of
 * every process.
 */
export function joinCluster(
  member: ClusterMember,
  gu: Gu,
  metrics: Metrics,
  onError: (error: unknown) => void,
): { clusterMetrics: () => Promise<string> } {
  // The supervisor asks each process for its registry's metrics (prom-client's cluster protocol); a worker
  // answers once an AggregatorRegistry exists in it, which is what installs prom-client's listener.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([metrics.registry]);
  let applying = Promise.resolve();
  const pending = new Map<number, (text: string) => void>();
  let asked = 0;
  process.on('message', (m: unknown) => {
    if (!isMessage(m)) return;
    if (m.gu === 'change' && member.role === 'replica')
      applying = applying.then(() => gu.apply(m.change)).catch(onError);
    else if (m.gu === 'served') gu.kpis.recordServedSummary(m.summary);
    else if (m.gu === 'metrics') {
      pending.get(m.id)?.(m.text);
      pending.delete(m.id);
    }
  });
  return {
    clusterMetrics: () =>
      new Promise((resolve) => {
        const id = ++asked;
        pending.set(id, resolve);
        send({ gu: 'metrics?', id });
      }),
  };
}

export interface Supervision {
  /** Where the replicas serve. */
  url: string;
  /** Stops every process and resolves when they have exited. */
  stop(): Promise<void>;
}

/**
 * Replica k runs on the k-th CPU this process may use (round the list again when there are more replicas),
 * with every thread it has and starts: its garbage collector's helpers stay on its core. The writer and the
 * supervisor are left to the scheduler. Without taskset, or where it is refused, the replicas run unpinned.
 */
function pinReplicas(replicas: Worker[], log: (line: string) => void): void {
  try {
    const cpus = allowedCpus();
    const chosen = replicas.map((_, k) => cpus[k % cpus.length]);
    replicas.forEach((r, k) => pin(r.process.pid!, String(chosen[k])));
    log(`replicas pinned to CPUs ${chosen.join(', ')}`);
  } catch (error) {
    log(`replicas left unpinned: taskset failed (${(error as Error).message.split('\n')[0]})`);
  }
}

/**
 * The supervisor (the cluster's primary): starts the writer, then, once it is ready (the demo seeded on a
 * first run), the replicas, and relays messages between them. If any process dies, it stops the others and
 * exits with failure, for whatever runs Gu (systemd, a container) to start it again: a replica would
 * otherwise forward to a writer that is gone. On SIGINT or SIGTERM it stops them all and exits.
 */
export async function supervise(
  replicas: number,
  log: (line: string) => void,
  options: { pin?: boolean } = {},
): Promise<Supervision> {
  const token = randomBytes(24).toString('hex');
  const aggregator = new AggregatorRegistry();
  const workers: Worker[] = [];
  let stopping = false;
  const ready = (worker: Worker) =>
    new Promise<string>((resolve, reject) => {
      worker.once('exit', (code) => reject(new Error(`the ${roleOf(worker)} exited with code ${code}`)));
      worker.on('message', (m: unknown) => isMessage(m) && m.gu === 'ready' && resolve(m.url));
    });
  const roles = new Map<Worker, string>();
  const roleOf = (w: Worker) => roles.get(w) ?? 'process';
  const fork = (role: string, env: Record<string, string>, execArgv = process.execArgv) => {
    cluster.setupPrimary({ execArgv });
    const worker = cluster.fork({ ...env, GU_ROLE: role, GU_CLUSTER_TOKEN: token });
    roles.set(worker, role);
    workers.push(worker);
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    log(
      `the ${roleOf(worker)} (pid ${worker.process.pid}) exited (${signal ?? `code ${code}`}); stopping Gu`,
    );
    void stop().then(() => process.exit(1));
  });
  const stop = async () => {
    stopping = true;
    const exited = workers.filter((w) => !w.isDead()).map((w) => new Promise((r) => w.once('exit', r)));
    for (const w of workers) if (!w.isDead()) w.process.kill('SIGTERM');
    await Promise.all(exited);
  };

  // Stopped while starting too (Ctrl-C during the demo's seeding): every process stops with it.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void stop().then(() => process.exit(0)));
  // V8's memory reducer collects the whole heap of a process that looks idle, as the writer does while only
  // replicas answer: its full collections (a 70-MB heap at 300,000 shoppers: 24–64 ms paused and 76–82 ms of
  // marking steps, twice in a 10-s phase) took their time from the replica on the same core. The writer
  // still collects when it allocates.
  // `gu` and `npm start` pass the flag already; a supervisor started without it (a test, an embedder) adds it.
  const reducerOff = process.execArgv.includes('--no-memory-reducer') ? [] : ['--no-memory-reducer'];
  const writer = fork('writer', {}, [...process.execArgv, ...reducerOff]);
  const writerUrl = await ready(writer);
  log(`writer ready at ${writerUrl} (pid ${writer.process.pid})`);
  const serving = Array.from({ length: replicas }, () => fork('replica', { GU_WRITER_URL: writerUrl }));
  if (options.pin) pinReplicas(serving, log);
  // A replica listens for changes only once it has loaded the stores: what the writer changes meanwhile waits
  // for it, in order, and is applied over what it loaded (every change leaves the state the writer's last did).
  const waiting = new Map<Worker, Message[]>(serving.map((r) => [r, []]));
  const deliver = (r: Worker, m: Message) => {
    const queue = waiting.get(r);
    if (queue) queue.push(m);
    else r.send(m);
  };
  writer.on('message', (m: unknown) => {
    if (!isMessage(m)) return;
    if (m.gu === 'change') for (const r of serving) deliver(r, m);
    else if (m.gu === 'metrics?')
      aggregator.clusterMetrics().then(
        (text) => writer.send({ gu: 'metrics', id: m.id, text } satisfies Message),
        (error: Error) =>
          writer.send({ gu: 'metrics', id: m.id, text: `# ${error.message}\n` } satisfies Message),
      );
  });
  for (const r of serving)
    r.on('message', (m: unknown) => isMessage(m) && m.gu === 'served' && writer.send(m));
  const urls = await Promise.all(
    serving.map(async (r) => {
      const url = await ready(r);
      for (const m of waiting.get(r)!) r.send(m);
      waiting.delete(r);
      return url;
    }),
  );
  log(`${replicas} serving replicas ready (pids ${serving.map((r) => r.process.pid).join(', ')})`);
  return { url: urls[0], stop };
}
