import type { FastifyInstance } from 'fastify';
import { GuError, MAX_EVENTS_PER_BATCH, type IngestResult } from '@gu/core';
import type { AppOptions } from '../app.js';
import { clientOf, hasSecretKey } from '../auth.js';
import { toHttpError } from '../errors.js';
import { ClientBuckets } from '../token-bucket.js';
import { documentOnly, errorReplies, eventBatch } from './schemas.js';

const ingestResult = {
  type: 'object',
  properties: {
    accepted: { type: 'integer' },
    duplicates: { type: 'integer' },
    rejected: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          index: { type: 'integer' },
          id: { type: 'string' },
          errors: {
            type: 'array',
            items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
          },
        },
      },
    },
  },
} as const;

/** A batch is an array of events, or an object with one: `{ "events": [...] }`. */
function eventsOf(body: unknown): unknown[] {
  const events = Array.isArray(body) ? body : (body as { events?: unknown } | null)?.events;
  if (!Array.isArray(events))
    throw new GuError('INVALID_REQUEST', 'expected an array of events or { "events": [...] }');
  if (events.length === 0) throw new GuError('INVALID_REQUEST', 'the batch is empty');
  if (events.length > MAX_EVENTS_PER_BATCH)
    throw new GuError(
      'PAYLOAD_TOO_LARGE',
      `a batch holds at most ${MAX_EVENTS_PER_BATCH} events, not ${events.length}`,
    );
  return events;
}

/** Ingest over REST and WebSocket: acknowledged only after the durable append (PRODUCT.md §3). */
export const eventRoutes = (o: AppOptions) => async (app: FastifyInstance) => {
  const ingest = async (body: unknown, channel: 'rest' | 'websocket'): Promise<IngestResult> => {
    const result = await o.gu.ingest(eventsOf(body));
    o.metrics.eventsAccepted.inc({ channel }, result.accepted - result.duplicates);
    o.metrics.eventsRejected.inc({ channel }, result.rejected.length);
    return result;
  };

  app.post(
    '/v1/events',
    {
      config: { access: 'public' },
      validatorCompiler: documentOnly,
      schema: {
        summary: 'Send 1–500 events; valid ones are accepted even when others are rejected',
        tags: ['events'],
        body: eventBatch,
        response: { 200: ingestResult, ...errorReplies(400, 401, 413, 429) },
      },
    },
    async (request) => {
      const result = await ingest(request.body, 'rest');
      if (result.accepted === 0)
        throw new GuError('INVALID_EVENTS', 'no event in the batch is valid', result.rejected);
      return result;
    },
  );

  // The HTTP rate limit covers a stream's upgrade only: each message spends a token of its client's bucket,
  // at the same rate, and one past it is refused on its own. The secret key is not throttled, as over HTTP.
  const streamBuckets = new ClientBuckets(o.rateLimitPerMinute);

  // Messages are batches (`[...]` or `{ "id": "...", "events": [...] }`); each gets one reply carrying its id.
  app.get(
    '/v1/events/stream',
    {
      websocket: true,
      config: { access: 'public' },
      schema: { summary: 'Stream event batches', tags: ['events'] },
      // A plain GET, with no upgrade, would get the WebSocket plugin's 404 with an empty body.
      preHandler: (request, _reply, done) =>
        done(
          request.ws
            ? undefined
            : new GuError(
                'INVALID_REQUEST',
                '/v1/events/stream is a WebSocket: ask with "Upgrade: websocket"',
              ),
        ),
    },
    (socket, request) => {
      const bucket =
        o.rateLimitPerMinute > 0 && !hasSecretKey(o.keys, request)
          ? streamBuckets.open(clientOf(request, o.internalToken), socket)
          : undefined;
      socket.on('message', async (raw: Buffer) => {
        let id: unknown;
        try {
          const wait = bucket?.take() ?? 0;
          let message: unknown;
          try {
            message = JSON.parse(raw.toString('utf8'));
          } catch {
            throw new GuError('INVALID_REQUEST', 'the message is not JSON');
          }
          id = (message as { id?: unknown } | null)?.id;
          if (wait > 0)
            throw new GuError(
              'RATE_LIMITED',
              `more than ${o.rateLimitPerMinute} messages per minute; retry in ${Math.ceil(wait / 1000)} s`,
            );
          const result = await ingest(message, 'websocket');
          socket.send(JSON.stringify({ ...(id === undefined ? {} : { id }), ...result }));
        } catch (error) {
          const { body } = toHttpError(error);
          if (body.error.code === 'INTERNAL') app.log.error({ err: error }, 'websocket ingest failed');
          socket.send(JSON.stringify({ ...(id === undefined ? {} : { id }), ...body }));
        }
      });
    },
  );
};
