import type { EventInput, FieldError } from './types.js';

/**
 * A failed API call: the coded error of the JSON body `{ error: { code, message, details } }` with the HTTP
 * status. A network failure has status 0 and code NETWORK_ERROR; a non-JSON error body has code HTTP_ERROR.
 */
export class GuApiError extends Error {
  override readonly name = 'GuApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** Whether trying again later may succeed: network failures, timeouts, throttling and server errors. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** An event the server refused, reported to the tracker's onError; it is not sent again. */
export class EventRejectedError extends Error {
  override readonly name = 'EventRejectedError';

  constructor(
    readonly event: EventInput | undefined,
    readonly errors: FieldError[],
  ) {
    super(
      `event ${event?.eventId ?? '?'} (${event?.eventType ?? '?'}) was rejected: ` +
        errors.map((e) => `${e.path} ${e.message}`).join('; '),
    );
  }
}
