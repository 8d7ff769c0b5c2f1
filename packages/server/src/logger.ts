import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';

/**
 * The server's JSON log, made before the app so that opening the stores (a rebuild of the real-time state
 * can take a while) is logged as it goes. API keys never reach it.
 */
export function createLogger(level = 'info', stream?: { write(line: string): void }): FastifyBaseLogger {
  const options = { level, redact: ['req.headers["x-api-key"]', 'req.headers.authorization'] };
  return stream ? pino(options, stream) : pino(options);
}
