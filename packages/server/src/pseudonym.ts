import { createHmac } from 'node:crypto';

/**
 * A stable pseudonym for a user id in logs: the same user reads the same in every line, but the id itself
 * never reaches the logs (HMAC-SHA256 with a server secret, first 12 hex digits).
 */
export function pseudonymizer(secret: string): (id: string | undefined) => string | undefined {
  return (id) => (id ? `p_${createHmac('sha256', secret).update(id).digest('hex').slice(0, 12)}` : undefined);
}
