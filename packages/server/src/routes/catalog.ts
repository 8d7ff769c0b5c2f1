import type { FastifyInstance } from 'fastify';
import { GuError, MAX_ITEMS_PER_BATCH } from '@gu/core';
import type { AppOptions } from '../app.js';
import { documentOnly, errorReplies, id, itemBatch, userBatch } from './schemas.js';

const idParam = (name: string) =>
  ({
    type: 'object',
    properties: { [name]: id },
    required: [name],
  }) as const;

/** Items one `GET /v1/items?ids=` may name. */
const MAX_LOOKUP = 100;

function batchOf(body: unknown, field: 'items' | 'users'): unknown[] {
  const list = Array.isArray(body) ? body : (body as Record<string, unknown> | null)?.[field];
  if (!Array.isArray(list) || list.length === 0)
    throw new GuError('INVALID_REQUEST', `expected a non-empty array of ${field} or { "${field}": [...] }`);
  if (list.length > MAX_ITEMS_PER_BATCH)
    throw new GuError(
      'PAYLOAD_TOO_LARGE',
      `at most ${MAX_ITEMS_PER_BATCH} ${field} per request, not ${list.length}`,
    );
  return list;
}

/** Catalog and users: writes need the secret key; the storefront reads the catalog with the public key. */
export const catalogRoutes = (o: AppOptions) => async (app: FastifyInstance) => {
  const { gu } = o;
  app.put(
    '/v1/items',
    {
      validatorCompiler: documentOnly,
      schema: {
        summary: 'Upsert catalog items (batch)',
        tags: ['catalog'],
        body: itemBatch,
        response: errorReplies(400, 401, 403, 413),
      },
    },
    async (request, reply) => {
      const result = await gu.putItems(batchOf(request.body, 'items'));
      if (!result.valid.length)
        throw new GuError('INVALID_REQUEST', 'no item in the batch is valid', result.rejected);
      return reply.send({ upserted: result.valid.length, rejected: result.rejected });
    },
  );
  app.get<{ Params: { itemId: string } }>(
    '/v1/items/:itemId',
    {
      config: { access: 'public' },
      schema: {
        summary: 'One catalog item',
        tags: ['catalog'],
        params: idParam('itemId'),
        response: errorReplies(400, 401, 404, 429),
      },
    },
    async (request) => {
      const item = gu.catalog.get(request.params.itemId);
      if (!item) throw new GuError('UNKNOWN_ITEM', `no item ${request.params.itemId}`);
      return item;
    },
  );
  app.get<{ Querystring: { ids?: string; category?: string; q?: string; offset: number; limit: number } }>(
    '/v1/items',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Browse or search the available catalog, or look items up by id (ids=a,b,c; at most 100)',
        tags: ['catalog'],
        querystring: {
          type: 'object',
          properties: {
            ids: { type: 'string', minLength: 1, maxLength: 26_000 },
            category: { type: 'string', maxLength: 256 },
            q: { type: 'string', maxLength: 256 },
            offset: { type: 'integer', minimum: 0, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 24 },
            key: { type: 'string' },
          },
          additionalProperties: false,
        },
        response: errorReplies(400, 401, 429),
      },
    },
    async (request) => {
      const { ids, category, q, offset, limit } = request.query;
      // A batch lookup (a widget's items at once): these items in this order, unavailable ones included.
      if (ids !== undefined) {
        const wanted = ids.split(',').filter(Boolean);
        if (wanted.length > MAX_LOOKUP)
          throw new GuError('INVALID_REQUEST', `ids names at most ${MAX_LOOKUP} items, not ${wanted.length}`);
        const items = wanted.flatMap((id) => gu.catalog.get(id) ?? []);
        return { total: items.length, items };
      }
      const words = (q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      const shelf = gu.catalog.shelf(category);
      const matches = words.length
        ? shelf.filter((item) =>
            words.every((w) => item.title.toLowerCase().includes(w) || item.brand?.toLowerCase().includes(w)),
          )
        : shelf;
      return { total: matches.length, items: matches.slice(offset, offset + limit) };
    },
  );
  app.get(
    '/v1/categories',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Category tree of the available catalog, with item counts',
        tags: ['catalog'],
        response: errorReplies(401, 429),
      },
    },
    () => ({ categories: gu.catalog.categoryTree() }),
  );
  app.delete<{ Params: { itemId: string } }>(
    '/v1/items/:itemId',
    {
      schema: {
        summary: 'Mark an item unavailable',
        tags: ['catalog'],
        params: idParam('itemId'),
        response: errorReplies(400, 401, 403, 404),
      },
    },
    async (request, reply) => {
      await gu.deleteItem(request.params.itemId);
      return reply.status(204).send();
    },
  );
  app.put(
    '/v1/users',
    {
      validatorCompiler: documentOnly,
      schema: {
        summary: 'Upsert users (personal data is stored encrypted)',
        tags: ['users'],
        body: userBatch,
        response: errorReplies(400, 401, 403, 413),
      },
    },
    async (request) => {
      const result = await gu.putUsers(batchOf(request.body, 'users'));
      if (!result.valid.length)
        throw new GuError('INVALID_REQUEST', 'no user in the batch is valid', result.rejected);
      return { upserted: result.valid.length, rejected: result.rejected };
    },
  );
  app.delete<{ Params: { userId: string } }>(
    '/v1/users/:userId',
    {
      schema: {
        summary: 'Erase a user: profile, personal data, events in every store, real-time state',
        tags: ['users'],
        params: idParam('userId'),
        response: errorReplies(400, 401, 403, 404),
      },
    },
    async (request) => gu.deleteUser(request.params.userId),
  );
};
