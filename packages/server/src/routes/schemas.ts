import type { FastifySchemaCompiler } from 'fastify';
import {
  EVENT_TYPES,
  ITEM_EVENTS,
  MAX_EVENTS_PER_BATCH,
  MAX_ID_LENGTH,
  MAX_ITEMS_PER_BATCH,
  MAX_PRICE,
} from '@gu/core';

/**
 * JSON schemas that document the batch bodies in OpenAPI. They mirror the zod schemas of @gu/core's
 * validation, which stays the one that decides: it rejects a batch's invalid entries one by one, where a body
 * schema checked by Ajv would refuse the whole request. Routes that carry them validate with `documentOnly`.
 */

/** Accepts every body: the route's body schema is documentation, its handler validates (see above). */
export const documentOnly: FastifySchemaCompiler<unknown> = ({ httpPart, url }) => {
  // A querystring or params schema on such a route would go unchecked: refuse it when the route is added.
  if (httpPart !== 'body') throw new Error(`${url}: documentOnly checks no ${httpPart}`);
  return () => true;
};

export const id = { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH } as const;
const text = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const timestamp = {
  description:
    'Epoch milliseconds or ISO-8601 (a date-time without an offset is UTC); events: from 2000-01-01 to a day ahead',
  oneOf: [
    { type: 'integer', minimum: 1 },
    { type: 'string', format: 'date-time' },
    { type: 'string', format: 'date' },
  ],
} as const;
const attributes = {
  type: 'object',
  additionalProperties: {
    oneOf: [
      text(4096),
      { type: 'number' },
      { type: 'boolean' },
      { type: 'array', items: text(1024), maxItems: 100 },
    ],
  },
} as const;

const event = {
  type: 'object',
  description:
    `userId or sessionId is required; itemId for ${[...ITEM_EVENTS].join(', ')} events; ` +
    'query for search events.',
  properties: {
    eventId: { ...id, description: 'Client-generated idempotency key' },
    eventType: { type: 'string', enum: [...EVENT_TYPES] },
    userId: id,
    sessionId: id,
    itemId: id,
    quantity: { type: 'integer', minimum: 1, maximum: 100_000 },
    price: { type: 'number', minimum: 0, maximum: MAX_PRICE },
    orderId: id,
    recommendationId: { ...id, description: 'The served list this event is attributed to' },
    query: text(1000),
    timestamp,
    context: {
      type: 'object',
      properties: { device: text(64), page: text(2048), locale: text(35) },
      additionalProperties: false,
    },
  },
  required: ['eventId', 'eventType', 'timestamp'],
  additionalProperties: false,
} as const;

const item = {
  type: 'object',
  properties: {
    itemId: id,
    title: text(1024),
    categories: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 256 }, maxItems: 10 },
    price: { type: 'number', minimum: 0, maximum: MAX_PRICE, default: 0 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$', default: 'VND', description: 'ISO 4217' },
    brand: text(256),
    imageUrl: text(2048),
    createdAt: timestamp,
    available: { type: 'boolean', default: true },
    attributes,
  },
  required: ['itemId'],
  additionalProperties: false,
} as const;

const user = {
  type: 'object',
  properties: {
    userId: id,
    createdAt: timestamp,
    attributes,
    personal: {
      type: 'object',
      description: 'Stored encrypted',
      properties: { email: { type: 'string', format: 'email' }, name: text(256), phone: text(32) },
      additionalProperties: false,
    },
  },
  required: ['userId'],
  additionalProperties: false,
} as const;

/** A batch: an array, or an object holding it under `field`. */
const batch = (field: string, entry: object, maxItems: number, description: string) =>
  ({
    description,
    oneOf: [
      { type: 'array', items: entry, minItems: 1, maxItems },
      {
        type: 'object',
        properties: { [field]: { type: 'array', items: entry, minItems: 1, maxItems } },
        required: [field],
      },
    ],
  }) as const;

export const eventBatch = batch(
  'events',
  event,
  MAX_EVENTS_PER_BATCH,
  `1–${MAX_EVENTS_PER_BATCH} events; each invalid one is rejected on its own, with its reasons.`,
);
export const itemBatch = batch(
  'items',
  item,
  MAX_ITEMS_PER_BATCH,
  `1–${MAX_ITEMS_PER_BATCH} items; each invalid one is rejected on its own, with its reasons.`,
);
export const userBatch = batch(
  'users',
  user,
  MAX_ITEMS_PER_BATCH,
  `1–${MAX_ITEMS_PER_BATCH} users; each invalid one is rejected on its own, with its reasons.`,
);

/** What each error status means to a caller. */
const MEANING = {
  400: 'INVALID_REQUEST, or INVALID_EVENTS when no event of a batch is valid (the reasons in details)',
  401: 'UNAUTHORIZED: no API key, or an unknown one',
  403: 'FORBIDDEN: the public key may not do this, it needs the secret key',
  404: 'UNKNOWN_ITEM, UNKNOWN_USER, UNKNOWN_FILTER, UNKNOWN_MODEL or NOT_FOUND: what the request names is not there',
  409: 'NO_MODEL, NO_PREVIOUS_MODEL or TRAINING_RUNNING: not now, as things stand',
  413: 'PAYLOAD_TOO_LARGE: a batch past its limit, or a body past 2 MB',
  429: 'RATE_LIMITED: too many requests a minute from this client (never with the secret key)',
  503: 'NOT_READY: no model serves yet, the stream processor is failing (the status in details), or Gu is shutting down',
} as const;
type ErrorStatus = keyof typeof MEANING;

/**
 * The error responses a route can answer: `{ error: { code, message, details? } }` (PRODUCT.md §6). Fastify
 * serializes the route's errors with them too, so `details` is left free: it is written as it is.
 */
export function errorReplies(...statuses: ErrorStatus[]): Partial<Record<ErrorStatus, object>> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: MEANING[status],
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: {
              code: { type: 'string' },
              message: { type: 'string' },
              details: {},
            },
            required: ['code', 'message'],
          },
        },
        required: ['error'],
      },
    ]),
  ) as Partial<Record<ErrorStatus, object>>;
}
