/**
 * Every error Gu reports on purpose, by code. Adapters map codes to their protocol (HTTP status in the
 * server); the message is for people, details for programs.
 */
export const ERROR_CODES = {
  INVALID_REQUEST: 'the request is malformed',
  INVALID_EVENTS: 'no event in the batch is valid',
  INVALID_FILTER: 'the filter definition is invalid',
  FILTER_VALUES_MISSING: 'the filter needs values',
  UNKNOWN_FILTER: 'no such filter',
  UNKNOWN_ITEM: 'no such item',
  UNKNOWN_USER: 'no such user',
  UNKNOWN_MODEL: 'no such model version',
  NO_PREVIOUS_MODEL: 'there is no previous model version to roll back to',
  NO_MODEL: 'no model is serving for the recipe',
  UNKNOWN_EXPERIMENT: 'no such experiment',
  EXPERIMENT_RUNNING: 'an experiment is running',
  TRAINING_RUNNING: 'a training job is already running',
  DATA_QUALITY: 'the data failed the quality gate',
  NOT_READY: 'Gu is starting',
  READ_ONLY: 'only the writer process makes this change',
  UNAUTHORIZED: 'an API key is required',
  FORBIDDEN: 'the API key may not do this',
  PAYLOAD_TOO_LARGE: 'the request body is too large',
  RATE_LIMITED: 'too many requests',
  NOT_FOUND: 'no such resource',
  INTERNAL: 'something went wrong on our side',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class GuError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code],
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'GuError';
  }
}
