import type { FastifyInstance } from 'fastify';
import { GuError } from '@gu/core';
import type { AppOptions } from '../app.js';

/** Liveness, readiness and metrics: open, for load balancers and Prometheus. */
export const opsRoutes = (o: AppOptions) => async (app: FastifyInstance) => {
  app.get('/healthz', { config: { access: 'open' }, schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/readyz', { config: { access: 'open' }, schema: { hide: true } }, async () => {
    const status = await o.gu.status();
    if (!status.recipes.length && status.catalog > 0)
      throw new GuError('NOT_READY', 'no model is serving yet: run gu train', status);
    // Events would be acknowledged and never reach shoppers' state or the models.
    if (status.processorFailure)
      throw new GuError('NOT_READY', `the stream processor is failing: ${status.processorFailure}`, status);
    return { ready: true, ...status };
  });
  // A replica forwards /metrics to its writer, which answers for the whole cluster.
  if (o.forward) return;
  app.get('/metrics', { config: { access: 'open' }, schema: { hide: true } }, async (_request, reply) => {
    const text = o.clusterMetrics ? await o.clusterMetrics() : await o.metrics.registry.metrics();
    return reply.type(o.metrics.registry.contentType).send(text);
  });
};
