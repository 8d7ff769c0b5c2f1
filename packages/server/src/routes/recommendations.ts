import type { FastifyInstance } from 'fastify';
import { GuError, PLACEMENTS, type Placement, type Recommendations, type RecommendedItem } from '@gu/core';
import type { AppOptions } from '../app.js';
import { itemsJson, recommendationsJson } from './answer-json.js';
import { errorReplies, id } from './schemas.js';

const n = { type: 'integer', minimum: 1, maximum: 100, default: 10 } as const;

const reason = {
  type: 'object',
  properties: { type: { type: 'string' }, itemId: { type: 'string' } },
} as const;
const scoredItems = {
  type: 'array',
  items: {
    type: 'object',
    properties: { itemId: { type: 'string' }, score: { type: 'number' }, reason },
  },
} as const;
const itemsReply = { type: 'object', properties: { items: scoredItems } } as const;

/**
 * The serving answers' schemas document them (OpenAPI); their JSON is written by answer-json.ts, which
 * costs a fraction of a compiled fast-json-stringify serializer on these shapes. Error replies, documented
 * by errorReplies, are written whole.
 */
const answerWriter =
  (write: (answer: unknown) => string) =>
  ({ httpStatus }: { httpStatus?: string }) =>
    httpStatus === '200' ? write : (error: unknown) => JSON.stringify(error);
const writeRecommendations = answerWriter((answer) => recommendationsJson(answer as Recommendations));
const writeItems = answerWriter(
  (reply) => `{"items":${itemsJson((reply as { items: RecommendedItem[] }).items)}}`,
);

interface RecommendationQuery {
  userId?: string;
  sessionId?: string;
  itemId?: string;
  placement: Placement;
  n: number;
  filter?: string;
  filterValues?: string;
  explain?: boolean;
}

function parseFilterValues(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  try {
    const values = JSON.parse(raw);
    if (values && typeof values === 'object' && !Array.isArray(values)) return values;
  } catch {
    // reported below
  }
  throw new GuError('INVALID_REQUEST', 'filterValues must be a JSON object, e.g. {"maxPrice":200000}');
}

/**
 * Serving (PRODUCT.md §6): readable with the public key. The handlers are synchronous: Fastify sends what one
 * returns at once, where an async one costs a promise and a turn of the microtask queue per request.
 */
export const recommendationRoutes = (o: AppOptions) => async (app: FastifyInstance) => {
  const { gu, metrics } = o;
  app.get<{ Querystring: RecommendationQuery }>(
    '/v1/recommendations',
    {
      config: { access: 'public' },
      serializerCompiler: writeRecommendations,
      schema: {
        summary: 'What this shopper should see next, for a placement',
        tags: ['recommendations'],
        querystring: {
          type: 'object',
          properties: {
            userId: id,
            sessionId: id,
            itemId: id,
            placement: { type: 'string', enum: [...PLACEMENTS], default: 'home' },
            n,
            filter: { type: 'string', minLength: 1, maxLength: 64 },
            filterValues: { type: 'string', maxLength: 4096 },
            explain: { type: 'boolean', default: false },
            key: { type: 'string' },
          },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              recommendationId: { type: 'string' },
              placement: { type: 'string' },
              recipe: { type: 'string' },
              modelVersion: { type: ['string', 'null'] },
              variant: { type: 'string' },
              fallback: { type: 'boolean' },
              tookMs: { type: 'number' },
              items: scoredItems,
            },
          },
          ...errorReplies(400, 401, 404, 429),
        },
      },
    },
    (request) => {
      const q = request.query;
      // A literal, not `{ ...q, … }`: V8 gave each object spread from a parsed query a hidden class of its own
      // (traced with --log-maps: one map made per request, old-space garbage).
      const answer = gu.recommend({
        userId: q.userId,
        sessionId: q.sessionId,
        itemId: q.itemId,
        placement: q.placement,
        n: q.n,
        filter: q.filter,
        filterValues: parseFilterValues(q.filterValues),
        explain: q.explain,
      });
      metrics.recommendations.inc({ placement: answer.placement, fallback: String(answer.fallback) });
      return answer;
    },
  );

  const itemParams = { type: 'object', properties: { itemId: id }, required: ['itemId'] } as const;
  const nQuery = {
    type: 'object',
    properties: { n, key: { type: 'string' } },
    additionalProperties: false,
  } as const;
  const itemLists = [
    ['similar', 'Customers who viewed this also viewed', (id: string, k: number) => gu.similar(id, k)],
    ['bought-together', 'Frequently bought together', (id: string, k: number) => gu.boughtTogether(id, k)],
  ] as const;
  for (const [path, summary, list] of itemLists)
    app.get<{ Params: { itemId: string }; Querystring: { n: number } }>(
      `/v1/items/:itemId/${path}`,
      {
        config: { access: 'public' },
        serializerCompiler: writeItems,
        schema: {
          summary,
          tags: ['recommendations'],
          params: itemParams,
          querystring: nQuery,
          response: { 200: itemsReply, ...errorReplies(400, 401, 404, 429) },
        },
      },
      (request) => ({ items: list(request.params.itemId, request.query.n) }),
    );
  for (const recipe of ['popular', 'trending'] as const)
    app.get<{ Querystring: { n: number; category?: string } }>(
      `/v1/${recipe}`,
      {
        config: { access: 'public' },
        serializerCompiler: writeItems,
        schema: {
          summary: recipe === 'popular' ? 'Best sellers' : 'What is rising now',
          tags: ['recommendations'],
          querystring: {
            type: 'object',
            properties: {
              n,
              category: { type: 'string', minLength: 1, maxLength: 256 },
              key: { type: 'string' },
            },
            additionalProperties: false,
          },
          response: { 200: itemsReply, ...errorReplies(400, 401, 429) },
        },
      },
      (request) => ({ items: gu.top(recipe, request.query.n, request.query.category) }),
    );
  app.post<{ Body: { userId?: string; sessionId?: string; itemIds: string[] } }>(
    '/v1/rank',
    {
      config: { access: 'public' },
      serializerCompiler: writeItems,
      schema: {
        summary: "Re-rank the caller's items for a shopper",
        tags: ['recommendations'],
        body: {
          type: 'object',
          properties: {
            userId: id,
            sessionId: id,
            itemIds: { type: 'array', items: id, minItems: 1, maxItems: 500 },
          },
          required: ['itemIds'],
          additionalProperties: false,
        },
        response: { 200: itemsReply, ...errorReplies(400, 401, 413, 429) },
      },
    },
    (request) => {
      const { userId, sessionId, itemIds } = request.body;
      if (!userId && !sessionId) throw new GuError('INVALID_REQUEST', 'userId or sessionId is required');
      return { items: gu.rank({ userId, sessionId }, itemIds) };
    },
  );
};
