import type { FastifyRequest } from 'fastify';
import { GuError } from '@gu/core';

/**
 * Two keys (PRODUCT.md, issue 3): the public key ships in the shop's pages and may only send events and read
 * recommendations; the secret key may do everything, admin included.
 */
export interface ApiKeys {
  publicKey: string;
  secretKey: string;
}

export type Access = 'open' | 'public' | 'admin';

/**
 * Comparison of two secrets in time independent of where they differ (only of their length, which a key's
 * format gives away anyway). Done on the strings' char codes: crypto.timingSafeEqual would need two Buffers
 * made for every request that carries a key.
 */
export function same(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let differ = 0;
  for (let i = 0; i < a.length; i++) differ |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return differ === 0;
}

/** The key of a request: `x-api-key` header, `Authorization: Bearer`, or `?key=` (WebSocket from browsers). */
export function keyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string') return header;
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.key === 'string' ? query.key : undefined;
}

/** Whether the request carries the secret (admin) key, compared in constant time. */
export function hasSecretKey(keys: ApiKeys, request: FastifyRequest): boolean {
  const key = keyOf(request);
  return key !== undefined && same(key, keys.secretKey);
}

/** Throws 401 without a known key and 403 when the key may not do what the route needs. */
export function authorize(keys: ApiKeys, request: FastifyRequest, access: Access): void {
  if (access === 'open') return;
  const key = keyOf(request);
  if (!key) throw new GuError('UNAUTHORIZED', 'send an API key in the x-api-key header');
  if (same(key, keys.secretKey)) return;
  if (!same(key, keys.publicKey)) throw new GuError('UNAUTHORIZED', 'unknown API key');
  if (access === 'admin') throw new GuError('FORBIDDEN', 'this needs the secret (admin) key');
}

/** Headers by which a replica names the client of a forwarded request, vouched for by the cluster's token. */
export const CLIENT_HEADER = 'x-gu-client';
export const TOKEN_HEADER = 'x-gu-internal';

/** The client's address: the one a replica forwarded for, when the request comes with the cluster's token. */
export function clientOf(request: FastifyRequest, token: string | undefined): string {
  const client = request.headers[CLIENT_HEADER];
  const vouched = request.headers[TOKEN_HEADER];
  if (token && typeof client === 'string' && typeof vouched === 'string' && same(vouched, token))
    return client;
  return request.ip;
}
