import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { GuError, MAX_ID_LENGTH, type ErrorCode } from '@gu/core';
import type { ConnectionError, FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** The HTTP status of each coded error (PRODUCT.md §6). */
export const STATUS: Record<ErrorCode, number> = {
  INVALID_REQUEST: 400,
  INVALID_EVENTS: 400,
  INVALID_FILTER: 400,
  FILTER_VALUES_MISSING: 400,
  DATA_QUALITY: 422,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  UNKNOWN_FILTER: 404,
  UNKNOWN_ITEM: 404,
  UNKNOWN_USER: 404,
  UNKNOWN_MODEL: 404,
  UNKNOWN_EXPERIMENT: 404,
  NOT_FOUND: 404,
  NO_PREVIOUS_MODEL: 409,
  NO_MODEL: 409,
  EXPERIMENT_RUNNING: 409,
  TRAINING_RUNNING: 409,
  READ_ONLY: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  NOT_READY: 503,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export const errorBody = (code: ErrorCode, message: string, details?: unknown): ErrorBody => ({
  error: { code, message, ...(details === undefined ? {} : { details }) },
});

/** Turns whatever was thrown into a coded JSON error; only unexpected errors are logged as errors. */
export function toHttpError(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof GuError)
    return { status: STATUS[error.code], body: errorBody(error.code, error.message, error.details) };
  const e = error as FastifyError;
  if (e.validation) {
    const params = (v: (typeof e.validation)[number]) =>
      v.params as { missingProperty?: string; additionalProperty?: string } | undefined;
    // Ajv's text says "must NOT have additional properties" without naming them: name them.
    const unknown = e.validation.map((v) => params(v)?.additionalProperty).filter((p) => p !== undefined);
    return {
      status: 400,
      body: errorBody(
        'INVALID_REQUEST',
        `invalid ${e.validationContext ?? 'request'}: ${e.message}${unknown.length ? ` (${unknown.join(', ')})` : ''}`,
        e.validation.map((v) => ({
          path: v.instancePath || params(v)?.missingProperty || params(v)?.additionalProperty,
          message: v.message,
        })),
      ),
    };
  }
  if (e.statusCode === 413) return { status: 413, body: errorBody('PAYLOAD_TOO_LARGE', e.message) };
  if (e.statusCode === 429) return { status: 429, body: errorBody('RATE_LIMITED', e.message) };
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
    return { status: e.statusCode, body: errorBody('INVALID_REQUEST', e.message) };
  return { status: 500, body: errorBody('INTERNAL', 'something went wrong on our side') };
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toHttpError(error);
  // A coded 5xx is an answer the API means (/readyz's NOT_READY before the first model), not a fault: a load
  // balancer probing it every few seconds should leave a line each, not a stack at error level.
  if (status >= 500 && error instanceof GuError)
    request.log.warn({ code: body.error.code }, body.error.message);
  else if (status >= 500) request.log.error({ err: error }, 'request failed');
  void reply.status(status).send(body);
}

/**
 * The router's own errors, before any route: a path that is not valid percent-encoding, or a path parameter
 * beyond the router's limit. Fastify answers them with a body of its own unless told otherwise.
 */
export function routerErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0];
  const coded =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new GuError('INVALID_REQUEST', `a path parameter is longer than any id (${MAX_ID_LENGTH} characters)`)
      : error.code === 'FST_ERR_BAD_URL'
        ? new GuError('INVALID_REQUEST', `${path.slice(0, 200)} is not valid percent-encoding`)
        : error;
  errorHandler(coded, request, reply);
}

/**
 * What Node's HTTP parser refuses before any request exists (a line that is not HTTP, headers too large, a
 * body framed two ways, a client too slow to send its request), answered with a coded body where Fastify
 * would send one of its own, and the connection closed.
 */
export function clientErrorHandler(error: ConnectionError & { reason?: unknown }, socket: Socket): void {
  // A connection reset: nobody is left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const reason = typeof error.reason === 'string' ? `: ${error.reason}` : '';
  const [status, message]: [number, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'the request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request took too long to arrive']
        : [400, `the request is not valid HTTP${reason}`];
  const body = JSON.stringify(errorBody('INVALID_REQUEST', message));
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(error);
}
