import { timingSafeEqual } from 'node:crypto';
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

/** Constant-time comparison of two secrets. */
export const same = (a: string, b: string) => {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
};

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
