import type { FastifyInstance } from 'fastify';
import { GuError } from '@gu/core';
import type { AppOptions } from '../app.js';
import { errorReplies } from './schemas.js';

/** Documented for operators, open: no key, whatever the document's default. */
const open = (summary: string, description: string, errors: object = {}) => ({
  config: { access: 'open' as const },
  schema: { summary, description, tags: ['operations'], security: [], response: errors },
});

/** Liveness, readiness and metrics: open, for load balancers and Prometheus. */
export const opsRoutes = (o: AppOptions) => async (app: FastifyInstance) => {
  app.get(
    '/healthz',
    open('Liveness', 'Answers `{ ok: true }` while the process serves HTTP: restart it when this fails.'),
    async () => ({ ok: true }),
  );
  const readiness = open(
    'Readiness',
    'Answers `{ ready: true, ...status }` once a model serves and the stream processor is not failing: ' +
      'send traffic only then.',
    errorReplies(503),
  );
  app.get('/readyz', readiness, async () => {
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
  const metrics = open(
    'Prometheus metrics',
    'The text exposition format; a cluster answers for all its processes.',
  );
  app.get('/metrics', metrics, async (_request, reply) => {
    const text = o.clusterMetrics ? await o.clusterMetrics() : await o.metrics.registry.metrics();
    return reply.type(o.metrics.registry.contentType).send(text);
  });
};
