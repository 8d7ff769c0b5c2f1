import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import proxy from '@fastify/http-proxy';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import { GuError, MAX_ID_LENGTH, type Gu } from '@gu/core';
import {
  authorize,
  clientOf,
  CLIENT_HEADER,
  hasSecretKey,
  TOKEN_HEADER,
  type Access,
  type ApiKeys,
} from './auth.js';
import { clientErrorHandler, errorBody, errorHandler, routerErrorHandler } from './errors.js';
import type { Metrics } from './metrics.js';
import { pseudonymizer } from './pseudonym.js';
import { replyBatcher } from './reply-batching.js';
import { adminRoutes } from './routes/admin.js';
import { experimentRoutes } from './routes/experiments.js';
import { catalogRoutes } from './routes/catalog.js';
import { eventRoutes } from './routes/events.js';
import { createLogger } from './logger.js';
import { opsRoutes } from './routes/ops.js';
import { recommendationRoutes } from './routes/recommendations.js';

export interface AppOptions {
  gu: Gu;
  keys: ApiKeys;
  metrics: Metrics;
  /** Secret for log pseudonyms. */
  logSecret: string;
  /** Requests per minute per client address on public routes; 0 turns limiting off. */
  rateLimitPerMinute: number;
  /** The log (made from logLevel and logStream when unset). */
  logger?: FastifyBaseLogger;
  logLevel?: string;
  /** Take client addresses from X-Forwarded-For (behind a load balancer). */
  trustProxy?: boolean;
  /** Where log lines go (stdout when unset); tests read them to check what the logs say. */
  logStream?: { write(line: string): void };
  /** More routes (the storefront, the dashboard) registered by the composition root. */
  plugins?: ((app: FastifyInstance) => Promise<void>)[];
  /**
   * A serving replica (`gu start --workers N`): it answers the serving routes itself and forwards every other
   * request, WebSockets included, to the writer at `to`, naming the client in headers that `token` vouches for.
   */
  forward?: { to: string; token: string };
  /** The writer: trusts the client address that replicas forward with this token (rate limits go by it). */
  internalToken?: string;
  /** The writer: the metrics of every process of the cluster, for GET /metrics. */
  clusterMetrics?: () => Promise<string>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

/** pino's numeric levels: a line is written when its level is at least the logger's. */
const LOG_LEVELS: Record<string, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};

/** The HTTP and WebSocket API (PRODUCT.md §6), thin over the Gu use cases; tested with inject(). */
export async function buildApp(o: AppOptions): Promise<FastifyInstance> {
  const pseudonym = pseudonymizer(o.logSecret);
  const app = Fastify({
    loggerInstance: o.logger ?? createLogger(o.logLevel, o.logStream),
    // Fastify's own per-request lines are replaced by one line per response, with the user pseudonymized.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 2 * 1024 * 1024,
    // An id's characters are each up to 9 bytes percent-encoded in a path (a character of three UTF-8
    // bytes): the router's default of 100 refused ids the API accepts everywhere else.
    routerOptions: { maxParamLength: 9 * MAX_ID_LENGTH },
    frameworkErrors: routerErrorHandler,
    clientErrorHandler,
    trustProxy: o.trustProxy ?? false,
    // Fastify's own answer while closing is an uncoded body; the hook below answers NOT_READY instead.
    return503OnClosing: false,
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: true } },
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
  });

  if (!o.forward) {
    await documentation(app);
    await app.register(websocket, { options: { maxPayload: 2 * 1024 * 1024 } });
  }
  if (o.rateLimitPerMinute > 0)
    await app.register(rateLimit, {
      max: o.rateLimitPerMinute,
      timeWindow: '1 minute',
      // The admin key is the shop's own back office, and health checks and docs are for machines and
      // people that are no shoppers: none of them is throttled.
      allowList: (request) => request.routeOptions.config.access === 'open' || hasSecretKey(o.keys, request),
      keyGenerator: (request) => clientOf(request, o.internalToken),
      // The plugin throws what this returns: a coded error, which the error handler turns into the body.
      errorResponseBuilder: (_request, context) =>
        new GuError(
          'RATE_LIMITED',
          `more than ${context.max} requests per minute; retry in ${context.after}`,
        ),
    });

  // A load balancer draining this instance (a deploy, a restart) is told to send the request elsewhere.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  // Callback hooks, not async ones: no promise per request on the hot path.
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      if (closing)
        throw new GuError('NOT_READY', 'Gu is shutting down: send the request to another instance');
      // A path no route serves is a 404 whoever asks: which paths exist is no secret (/docs lists them).
      if (!request.is404) authorize(o.keys, request, request.routeOptions.config.access ?? 'admin');
      done();
    } catch (error) {
      done(error as Error);
    }
  });
  /** One line per response (the user pseudonymized) and the latency histogram. */
  const record = (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url ?? 'unknown';
    o.metrics.httpDuration.observe(
      { method: request.method, route, status: reply.statusCode },
      reply.elapsedTime / 1000,
    );
    const query = request.query as Record<string, unknown> | undefined;
    const user = typeof query?.userId === 'string' ? query.userId : undefined;
    const hot = reply.statusCode < 400 && (route.startsWith('/v1/recommendations') || route === '/v1/events');
    const level = hot ? 'debug' : 'info';
    // The pseudonym is an HMAC: not worth computing for a line that is not written.
    if (LOG_LEVELS[level] < (LOG_LEVELS[request.log.level] ?? 0)) return;
    request.log[level](
      {
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
        user: pseudonym(user),
      },
      'request',
    );
  };
  app.addHook('onResponse', (request, reply, done) => {
    record(request, reply);
    done();
  });
  app.addHook('onSend', replyBatcher());

  if (o.forward) {
    await app.register(opsRoutes(o));
    await app.register(recommendationRoutes(o));
    await app.register(forwarding(o.forward));
    return app;
  }
  await app.register(opsRoutes(o));
  await app.register(eventRoutes(o));
  await app.register(recommendationRoutes(o));
  await app.register(catalogRoutes(o));
  await app.register(adminRoutes(o));
  await app.register(experimentRoutes(o));
  for (const plugin of o.plugins ?? []) await app.register(plugin);
  return app;
}

/** OpenAPI at /docs, open to all. */
async function documentation(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Gu API',
        version: '1',
        description: 'Real-time personalization: events in, recommendations out.',
      },
      components: {
        securitySchemes: { apiKey: { type: 'apiKey', name: 'x-api-key', in: 'header' } },
      },
      security: [{ apiKey: [] }],
      // @fastify/websocket hides WebSocket routes from the document; the stream is described by hand.
      paths: {
        '/v1/events/stream': {
          get: {
            summary: 'Stream event batches over a WebSocket',
            description:
              'Upgrade to a WebSocket (browsers send the public key as ?key=). Each message is a batch, ' +
              '`[...]` or `{ "id": "...", "events": [...] }`, and gets one reply carrying its id once the ' +
              'events are durably appended: `{ id, accepted, duplicates, rejected }`, or ' +
              '`{ id, error: { code, message } }`.',
            tags: ['events'],
            parameters: [{ name: 'key', in: 'query', required: false, schema: { type: 'string' } }],
            responses: {
              101: { description: 'Switching to the WebSocket protocol' },
              400: { description: 'INVALID_REQUEST: a plain GET, without "Upgrade: websocket"' },
              401: { description: 'UNAUTHORIZED: no API key, or an unknown one' },
            },
          },
        },
      },
    },
  });
  // The API's documentation is open: it is the first thing an integrator reads, often in a browser.
  app.addHook('onRoute', (route) => {
    if (route.url === '/docs' || route.url.startsWith('/docs/'))
      route.config = { ...route.config, access: 'open' };
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}

/**
 * A replica's catch-all: every route it does not serve goes to the writer, WebSockets too. The writer
 * authorizes and rate-limits them, by the client address the replica forwards.
 */
const forwarding = (f: { to: string; token: string }) => async (app: FastifyInstance) => {
  const client = (request: { ip: string }) => ({ [CLIENT_HEADER]: request.ip, [TOKEN_HEADER]: f.token });
  await app.register(proxy, {
    upstream: f.to,
    websocket: true,
    wsServerOptions: { maxPayload: 2 * 1024 * 1024 },
    wsClientOptions: {
      maxPayload: 2 * 1024 * 1024,
      rewriteRequestHeaders: (headers: Record<string, string>, request: FastifyRequest) => ({
        ...headers,
        ...pick(request.headers, ['x-api-key', 'authorization', 'cookie']),
        ...client(request),
      }),
    },
    replyOptions: {
      rewriteRequestHeaders: (request, headers) => ({ ...headers, ...client(request) }),
    },
    config: { access: 'open' },
  });
};

const pick = (headers: Record<string, unknown>, names: string[]) =>
  Object.fromEntries(names.filter((n) => typeof headers[n] === 'string').map((n) => [n, headers[n]]));
