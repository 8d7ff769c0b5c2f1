import { GuApiError } from './errors.js';
import type { ApiErrorBody } from './types.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface HttpOptions {
  baseUrl: string;
  apiKey: string;
  fetch: typeof fetch;
}

/** `path?query`, skipping undefined values; booleans and numbers as their text. */
export function urlOf(baseUrl: string, path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const search = params.toString();
  return `${baseUrl.replace(/\/+$/, '')}${path}${search ? `?${search}` : ''}`;
}

/** The global fetch bound to its global (browsers throw "Illegal invocation" on an unbound call). */
export function defaultFetch(): typeof fetch {
  const f = globalThis.fetch;
  if (typeof f !== 'function') throw new Error('no fetch in this environment: pass one in the options');
  return f.bind(globalThis);
}

async function errorOf(response: Response): Promise<GuApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Partial<ApiErrorBody>;
    if (body.error && typeof body.error.code === 'string')
      return new GuApiError(response.status, body.error.code, body.error.message, body.error.details);
  } catch {
    // not JSON: described below
  }
  return new GuApiError(
    response.status,
    'HTTP_ERROR',
    `${response.status} ${response.statusText || 'error'}${text ? `: ${text.slice(0, 200)}` : ''}`,
  );
}

/**
 * One JSON request with the API key in `x-api-key`. Resolves with the parsed body (undefined for 204);
 * rejects with a GuApiError for a non-2xx answer or a network failure.
 */
export async function requestJson<T>(
  o: HttpOptions,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  options: { query?: Query; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-api-key': o.apiKey };
  // Fastify refuses an empty body declared as JSON: only say so when there is one.
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await o.fetch(urlOf(o.baseUrl, path, options.query), {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new GuApiError(0, 'NETWORK_ERROR', `${method} ${path} failed: ${message}`, error);
  }
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
