import type { FastifyInstance } from 'fastify';
import {
  GuError,
  isRecipeName,
  RECIPE_NAMES,
  type FilterDefinition,
  type RecipeName,
  type TrainingReport,
} from '@gu/core';
import type { AppOptions } from '../app.js';
import { toHttpError } from '../errors.js';
import { errorReplies } from './schemas.js';

interface Job {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt?: string;
  report?: TrainingReport;
  error?: ReturnType<typeof toHttpError>['body']['error'];
}

const recipeParam = {
  type: 'object',
  properties: { recipe: { type: 'string', enum: [...RECIPE_NAMES] } },
  required: ['recipe'],
} as const;

/** The back office (secret key): models, training jobs, filters, data quality, status. */
export const adminRoutes = (o: AppOptions) => async (app: FastifyInstance) => {
  const { gu } = o;
  const jobs = new Map<string, Job>();
  let jobSequence = 0;
  app.addSchema({
    $id: 'filterRule',
    type: 'object',
    properties: {
      field: { type: 'string', minLength: 1, maxLength: 128 },
      op: { type: 'string', enum: ['in', 'not_in', 'eq', 'neq', 'lt', 'lte', 'gt', 'gte'] },
      value: {},
    },
    required: ['field', 'op', 'value'],
    additionalProperties: false,
  });

  app.get<{ Querystring: { recipe?: string } }>(
    '/v1/admin/models',
    {
      schema: {
        summary: 'Model versions, newest first, with the serving one per recipe',
        tags: ['admin'],
        querystring: { type: 'object', properties: { recipe: { type: 'string', enum: [...RECIPE_NAMES] } } },
        response: errorReplies(400, 401, 403),
      },
    },
    async (request) => {
      const serving = gu.serving();
      const versions = await gu.stores.models.list(request.query.recipe as RecipeName | undefined);
      return {
        serving: Object.fromEntries(Object.entries(serving).map(([r, v]) => [r, v?.id])),
        versions: versions.map((v) => ({ ...v, serving: serving[v.recipe]?.id === v.id })),
      };
    },
  );
  app.post<{ Params: { id: string } }>(
    '/v1/admin/models/:id/promote',
    {
      schema: {
        summary: 'Serve this version (atomic swap)',
        tags: ['admin'],
        response: errorReplies(401, 403, 404),
      },
    },
    async (request) => ({ serving: await gu.promote(request.params.id) }),
  );
  app.post<{ Params: { recipe: RecipeName } }>(
    '/v1/admin/recipes/:recipe/rollback',
    {
      schema: {
        summary: 'Serve the previous version of a recipe',
        tags: ['admin'],
        params: recipeParam,
        response: errorReplies(400, 401, 403, 409),
      },
    },
    async (request) => ({ serving: await gu.rollback(request.params.recipe) }),
  );

  app.post<{
    Body: { recipes?: string[]; promote?: 'gate' | 'always' | 'never'; tune?: boolean } | undefined;
  }>(
    '/v1/admin/training',
    {
      schema: {
        summary: 'Start a training job (one at a time); poll it at /v1/admin/training/{id}',
        tags: ['admin'],
        body: {
          type: ['object', 'null'],
          properties: {
            recipes: { type: 'array', items: { type: 'string', enum: [...RECIPE_NAMES] }, minItems: 1 },
            promote: { type: 'string', enum: ['gate', 'always', 'never'] },
            tune: { type: 'boolean' },
          },
          additionalProperties: false,
        },
        response: errorReplies(400, 401, 403, 409),
      },
    },
    async (request, reply) => {
      if (gu.trainingRunning) throw new GuError('TRAINING_RUNNING');
      const body = request.body ?? {};
      const job: Job = {
        // Unique even for two jobs started in the same millisecond (one may fail at once).
        id: `job-${Date.now().toString(36)}-${(++jobSequence).toString(36)}`,
        status: 'running',
        startedAt: new Date().toISOString(),
      };
      jobs.set(job.id, job);
      const recipes = body.recipes?.filter(isRecipeName);
      gu.train({
        ...(recipes ? { recipes } : {}),
        promote: body.promote ?? 'gate',
        tune: body.tune ?? false,
      }).then(
        (report) => Object.assign(job, { status: 'succeeded', report, finishedAt: new Date().toISOString() }),
        (error) => {
          app.log.error({ err: error }, 'training failed');
          Object.assign(job, {
            status: 'failed',
            error: toHttpError(error).body.error,
            finishedAt: new Date().toISOString(),
          });
        },
      );
      return reply.status(202).send(job);
    },
  );
  app.get(
    '/v1/admin/training',
    {
      schema: { summary: 'Training jobs of this process', tags: ['admin'], response: errorReplies(401, 403) },
    },
    async () => ({
      jobs: [...jobs.values()].reverse(),
    }),
  );
  app.get<{ Params: { id: string } }>(
    '/v1/admin/training/:id',
    { schema: { summary: 'One training job', tags: ['admin'], response: errorReplies(401, 403, 404) } },
    async (request) => {
      const job = jobs.get(request.params.id);
      if (!job) throw new GuError('NOT_FOUND', `no training job ${request.params.id}`);
      return job;
    },
  );

  app.get(
    '/v1/admin/filters',
    { schema: { summary: 'Named filters', tags: ['admin'], response: errorReplies(401, 403) } },
    async () => ({ filters: gu.listFilters() }),
  );
  app.put<{ Params: { name: string }; Body: Partial<Omit<FilterDefinition, 'name'>> }>(
    '/v1/admin/filters/:name',
    {
      schema: {
        summary: 'Create or replace a filter',
        tags: ['admin'],
        body: {
          type: 'object',
          properties: {
            description: { type: 'string', maxLength: 1000 },
            include: { type: 'array', items: { $ref: 'filterRule#' } },
            exclude: { type: 'array', items: { $ref: 'filterRule#' } },
          },
          additionalProperties: false,
        },
        response: errorReplies(400, 401, 403),
      },
    },
    async (request) => gu.putFilter({ include: [], exclude: [], ...request.body, name: request.params.name }),
  );
  app.delete<{ Params: { name: string } }>(
    '/v1/admin/filters/:name',
    { schema: { summary: 'Delete a filter', tags: ['admin'], response: errorReplies(401, 403, 404) } },
    async (request, reply) => {
      await gu.deleteFilter(request.params.name);
      return reply.status(204).send();
    },
  );
  app.get<{ Querystring: { window: number } }>(
    '/v1/admin/kpis',
    {
      schema: {
        summary: 'Live KPIs: events/s, latency, CTR per widget, conversion, bounce, AOV, per-minute series',
        tags: ['admin'],
        querystring: {
          type: 'object',
          properties: { window: { type: 'integer', minimum: 1, maximum: 1440, default: 60 } },
          additionalProperties: false,
        },
        response: errorReplies(400, 401, 403),
      },
    },
    async (request) => gu.kpis.report(request.query.window),
  );
  app.get(
    '/v1/admin/data-quality',
    {
      schema: {
        summary: 'Data-quality reports of trainings',
        tags: ['admin'],
        response: errorReplies(401, 403),
      },
    },
    async () => ({
      reports: (await gu.qualityReports()).map(([at, report]) => ({ at, report })).reverse(),
    }),
  );
  app.get(
    '/v1/admin/status',
    { schema: { summary: 'Processor, models, cache', tags: ['admin'], response: errorReplies(401, 403) } },
    async () => ({
      ...(await gu.status()),
      cache: gu.cacheStats,
    }),
  );
};
