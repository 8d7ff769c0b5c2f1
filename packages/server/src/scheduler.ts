import type { Gu } from '@gu/core';
import type { FastifyBaseLogger } from 'fastify';

/**
 * Retrains on a schedule (weekly by default) and promotes only what passes the quality gate. A pending
 * erasure brings the next run forward to within the hour, so models stop carrying erased shoppers.
 *
 * The period counts from the newest model version, which the stores keep across restarts: a server restarted
 * more often than the period still retrains on time (without any version, from the server's start). A run
 * counts too, made a version or not, so that a failing run is not retried every hour.
 */
export function scheduleRetraining(
  gu: Pick<Gu, 'stores' | 'train' | 'trainingRunning'>,
  everyHours: number,
  log: Pick<FastifyBaseLogger, 'info' | 'error'>,
): () => void {
  if (everyHours <= 0) return () => undefined;
  const started = Date.now();
  let lastRun = 0;
  const tick = async () => {
    const erasure = await gu.stores.meta.get<{ since: number }>('erasure/pending');
    const [newest] = await gu.stores.models.list();
    const since = Math.max(newest?.createdAt ?? started, lastRun);
    const due = Date.now() - since >= everyHours * 3_600_000;
    if ((!due && !erasure) || gu.trainingRunning) return;
    lastRun = Date.now();
    try {
      const report = await gu.train({ promote: 'gate' });
      log.info({ promoted: report.promoted, held: report.held }, 'scheduled retraining done');
    } catch (error) {
      log.error({ err: error }, 'scheduled retraining failed');
    }
  };
  const timer = setInterval(() => void tick(), Math.min(everyHours * 3_600_000, 3_600_000));
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Applies retention (Gu.expire: a week of the log, 30 days of the event store, 365 of the lake) now and then
 * every hour: an hour's worth of old events is a short delete, where a day's would hold the event loop longer.
 */
export function scheduleRetention(
  gu: Pick<Gu, 'expire'>,
  log: Pick<FastifyBaseLogger, 'info' | 'error'>,
  everyMs = 3_600_000,
): () => void {
  const run = () =>
    gu.expire().then(
      (expired) =>
        (expired.logged || expired.events || expired.partitions.length) &&
        log.info(expired, 'retention applied'),
      (error) => log.error({ err: error }, 'retention failed'),
    );
  void run();
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Ranks every shopper's home list again every few hours in the background, so that shoppers who do not act
 * still see what the model's updates, the best sellers and the catalog say now, well before their lists
 * reach the maximum age the server gives them (twice this period).
 */
export function scheduleHomeListRefresh(
  gu: Pick<Gu, 'prepareHomeLists'>,
  everyHours: number,
  log: Pick<FastifyBaseLogger, 'info'>,
): () => void {
  if (everyHours <= 0) return () => undefined;
  const timer = setInterval(async () => {
    const result = await gu.prepareHomeLists();
    if (result) log.info(result, 'home lists refreshed');
  }, everyHours * 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
