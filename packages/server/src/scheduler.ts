import type { Gu } from '@gu/core';
import type { FastifyBaseLogger } from 'fastify';

/**
 * Retrains on a schedule (weekly by default) and promotes only what passes the quality gate. A pending
 * erasure brings the next run forward to within the hour, so models stop carrying erased shoppers.
 */
export function scheduleRetraining(gu: Gu, everyHours: number, log: FastifyBaseLogger): () => void {
  if (everyHours <= 0) return () => undefined;
  let last = Date.now();
  const tick = async () => {
    const erasure = await gu.stores.meta.get<{ since: number }>('erasure/pending');
    const due = Date.now() - last >= everyHours * 3_600_000;
    if ((!due && !erasure) || gu.trainingRunning) return;
    last = Date.now();
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
