import type { FastifyInstance } from 'fastify';
import {
  DEFAULT_MINIMUM_LIFT,
  GuError,
  MAX_VARIANTS,
  PLACEMENTS,
  VARIANT_RECIPES,
  type ExperimentReport,
} from '@gu/core';
import type { AppOptions } from '../app.js';
import { documentOnly, errorReplies } from './schemas.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** An experiment as the API shows it: times as ISO-8601 (the SDK's Experiment). */
export const experimentView = (e: ExperimentReport) => ({
  ...e,
  startedAt: iso(e.startedAt),
  stoppedAt: e.stoppedAt === undefined ? null : iso(e.stoppedAt),
  results: { ...e.results, at: iso(e.results.at) },
});

const draftSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    description: { type: 'string', maxLength: 1000 },
    placement: { type: 'string', enum: [...PLACEMENTS] },
    variants: {
      description: 'The first variant is the control; shoppers are split by weight (default 1 each)',
      type: 'array',
      minItems: 2,
      maxItems: MAX_VARIANTS,
      items: {
        type: 'object',
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$' },
          recipe: { type: 'string', enum: [...VARIANT_RECIPES] },
          modelVersion: {
            description:
              'A version of the recipe to try on live traffic before promoting it (default: the serving one)',
            type: 'string',
            maxLength: 256,
          },
          weight: { type: 'number', minimum: 0.01, maximum: 100 },
        },
        required: ['name', 'recipe'],
        additionalProperties: false,
      },
    },
    minimumLift: {
      description:
        'The smallest relative lift over the control worth finding (0.05 = 5%): the plan says how many shoppers each variant needs to see it',
      type: 'number',
      minimum: 0.01,
      maximum: 1,
      default: DEFAULT_MINIMUM_LIFT,
    },
  },
  required: ['name', 'placement', 'variants'],
  additionalProperties: false,
} as const;

const idParams = {
  type: 'object',
  properties: { id: { type: 'string', maxLength: 64 } },
  required: ['id'],
} as const;

/** A/B tests of recommendation variants (secret key): start, watch, stop, delete. */
export const experimentRoutes = (o: AppOptions) => async (app: FastifyInstance) => {
  const { experiments } = o.gu;
  app.get(
    '/v1/admin/experiments',
    {
      schema: {
        summary:
          'Experiments, newest first, each with its figures per variant and the tests against the control',
        tags: ['experiments'],
        response: errorReplies(401, 403),
      },
    },
    async () => ({ experiments: experiments.list().map(experimentView) }),
  );
  app.post<{ Body: unknown }>(
    '/v1/admin/experiments',
    {
      // The core's check decides, with a message naming the field; the schema documents the body.
      validatorCompiler: documentOnly,
      schema: {
        summary: 'Start an A/B test of recommendation variants on a placement (one at a time per placement)',
        tags: ['experiments'],
        body: draftSchema,
        response: errorReplies(400, 401, 403, 409),
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new GuError('INVALID_REQUEST', 'the body is an object { name, placement, variants }');
      const started = await experiments.start(body as Parameters<typeof experiments.start>[0]);
      return reply.status(201).send(experimentView(started));
    },
  );
  app.get<{ Params: { id: string } }>(
    '/v1/admin/experiments/:id',
    {
      schema: {
        summary: 'One experiment with its figures',
        tags: ['experiments'],
        params: idParams,
        response: errorReplies(400, 401, 403, 404),
      },
    },
    async (request) => experimentView(experiments.get(request.params.id)),
  );
  app.post<{ Params: { id: string } }>(
    '/v1/admin/experiments/:id/stop',
    {
      schema: {
        summary: 'Stop an experiment: shoppers see the default again, its figures are frozen',
        tags: ['experiments'],
        params: idParams,
        response: errorReplies(400, 401, 403, 404),
      },
    },
    async (request) => experimentView(await experiments.stop(request.params.id)),
  );
  app.delete<{ Params: { id: string } }>(
    '/v1/admin/experiments/:id',
    {
      schema: {
        summary: 'Delete a stopped experiment',
        tags: ['experiments'],
        params: idParams,
        response: errorReplies(400, 401, 403, 404, 409),
      },
    },
    async (request, reply) => {
      await experiments.delete(request.params.id);
      return reply.status(204).send();
    },
  );
};
