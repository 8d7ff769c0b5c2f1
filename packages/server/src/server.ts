import type { FastifyInstance } from 'fastify';
import { closeStores, Gu } from '@gu/core';
import { buildApp } from './app.js';
import { joinCluster, relayChange, relayServed, type ClusterMember } from './cluster.js';
import type { ServerConfig } from './config.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { scheduleHomeListRefresh, scheduleRetention, scheduleRetraining } from './scheduler.js';
import { openStores } from './stores.js';

export interface RunningServer {
  app: FastifyInstance;
  gu: Gu;
  url: string;
  close(): Promise<void>;
}

/** The composition root: stores by URL, the Gu use cases, the HTTP app, the schedule. */
export async function createServer(
  config: ServerConfig,
  plugins: ((app: FastifyInstance) => Promise<void>)[] = [],
  member?: ClusterMember,
): Promise<{ app: FastifyInstance; gu: Gu }> {
  const metrics = createMetrics();
  const replica = member?.role === 'replica';
  const writer = member?.role === 'writer';
  const served = replica ? relayServed() : undefined;
  // Made before the app: opening Gu (a month of events to rebuild the state from) is logged as it goes.
  const log = createLogger(config.logLevel);
  // A replica only reads what the writer stores; every other server consumes the log, one at a time.
  const stores = openStores(config.store, config.secret, replica ? undefined : 'a Gu server');
  const gu = await Gu.open(stores, {
    deadlineMs: config.deadlineMs,
    onModelError: (error) => {
      metrics.modelErrors.inc();
      log.error({ err: error }, 'model path failed; answered with the fallback');
    },
    onProcessorError: (error) => log.error({ err: error }, 'stream processor failed'),
    // Every process of a cluster processes each event; the writer's count is the cluster's.
    onBatch: replica ? undefined : (events) => metrics.eventsProcessed.inc(events.length),
    follower: replica,
    onChange: writer ? relayChange : undefined,
    recordServed: served?.record,
    // A cluster's writer answers no shopper: its replicas prepare the home lists they serve.
    homeListThreads: writer ? 0 : config.homeListThreads,
    // A list outlives one refresh, so a refresh still running never leaves shoppers without one.
    ...(config.homeListRefreshHours > 0
      ? { homeListMaxAgeMs: 2 * config.homeListRefreshHours * 3_600_000 }
      : {}),
    onHomeListProgress: everyTenth((done, total) =>
      log.info({ done, total }, `home lists prepared for ${done} of ${total} shoppers`),
    ),
    onOpening: (figures, message) => log.info(figures, message),
  }).catch(async (error: unknown) => {
    await closeStores(stores);
    throw error;
  });
  metrics.watch(gu);
  const link = member && joinCluster(member, gu, metrics, (error) => log.error({ err: error }));
  const app = await buildApp({
    gu,
    keys: config,
    forward: member?.role === 'replica' ? { to: member.writerUrl, token: member.token } : undefined,
    internalToken: member?.token,
    clusterMetrics: link?.clusterMetrics,
    metrics,
    logSecret: config.secret,
    rateLimitPerMinute: config.rateLimitPerMinute,
    logger: log,
    trustProxy: config.trustProxy,
    plugins,
  }).catch(async (error: unknown) => {
    await gu.close();
    await closeStores(stores);
    throw error;
  });
  // Only the writer trains; every serving process keeps its own home lists fresh.
  const stopRetraining = scheduleRetraining(gu, replica ? 0 : config.retrainHours, app.log);
  const stopExpiring = replica ? () => undefined : scheduleRetention(gu, app.log);
  const stopRefreshing = scheduleHomeListRefresh(gu, writer ? 0 : config.homeListRefreshHours, app.log);
  // Promotions made by another process (gu models promote, gu train) reach this one within seconds.
  // A sync still loading a large model when the next tick comes is not started twice.
  let syncing = false;
  const watch = setInterval(() => {
    if (syncing) return;
    syncing = true;
    gu.syncServing()
      .then(
        (swapped) => swapped.length && app.log.info({ swapped }, 'serving models changed in the store'),
        (error) => app.log.error({ err: error }, 'could not sync serving models'),
      )
      .finally(() => (syncing = false));
  }, 2000);
  watch.unref();
  app.addHook('onClose', async () => {
    clearInterval(watch);
    served?.stop();
    stopRetraining();
    stopExpiring();
    stopRefreshing();
    await gu.close();
    await closeStores(stores);
  });
  return { app, gu };
}

export async function startServer(
  config: ServerConfig,
  plugins: ((app: FastifyInstance) => Promise<void>)[] = [],
  member?: ClusterMember,
): Promise<RunningServer> {
  const { app, gu } = await createServer(config, plugins, member);
  let url: string;
  try {
    // A cluster's writer listens privately, for its replicas; they share the public port.
    url = await app.listen(
      member?.role === 'writer'
        ? { host: '127.0.0.1', port: 0, exclusive: true }
        : { host: config.host, port: config.port },
    );
  } catch (error) {
    // A busy port must not leave the stores open and the processor running.
    await app.close();
    throw error;
  }
  return { app, gu, url, close: () => closeGracefully(app) };
}

/**
 * Stops taking requests, answers those in flight and closes every connection as soon as it is idle. A
 * connection busy when closing starts goes idle only after its answer, when Node no longer closes it: it
 * then held the process for the keep-alive timeout (72 s; a cluster whose writer was killed under load took
 * 70 s to stop).
 */
async function closeGracefully(app: FastifyInstance): Promise<void> {
  const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
  try {
    await app.close();
  } finally {
    clearInterval(sweep);
  }
}

/** Passes progress on at each further tenth of the work (and at its end), so that a log is not flooded. */
function everyTenth(report: (done: number, total: number) => void) {
  let last = -1;
  return (done: number, total: number) => {
    const tenth = Math.floor((10 * done) / total);
    if (tenth < last) last = -1; // a new run started
    if (tenth > last) report(done, total);
    last = tenth;
  };
}
