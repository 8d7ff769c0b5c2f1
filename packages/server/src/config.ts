import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';

export interface ServerConfig {
  host: string;
  port: number;
  /** Where the stores live: `sqlite:./data` (the default, embedded) or `memory:` (nothing kept). */
  store: string;
  publicKey: string;
  secretKey: string;
  /** Encrypts personal data and keys log pseudonyms. */
  secret: string;
  deadlineMs: number;
  rateLimitPerMinute: number;
  /** Retraining period in hours; 0 turns the schedule off. */
  retrainHours: number;
  /** Worker threads preparing home lists after a promotion; 0 ranks every list on its first request. */
  homeListThreads: number;
  /** Hours between background refreshes of every home list; 0 turns them off. */
  homeListRefreshHours: number;
  logLevel: string;
  /** Behind a load balancer: take the client address from X-Forwarded-For (for rate limits and logs). */
  trustProxy: boolean;
}

/** The directory of a sqlite: store URL (undefined for memory:). */
export function dataDirOf(store: string): string | undefined {
  if (store.startsWith('memory:')) return undefined;
  // Any other scheme (postgres:, s3:, …) is not a directory; a Windows drive letter (C:\) is.
  if (/^[a-z][\w+.-]+:/i.test(store) && !store.startsWith('sqlite:'))
    throw new Error(`unknown store URL ${store}: use sqlite:DIR or memory:`);
  return resolve(store.replace(/^sqlite:(\/\/)?/, ''));
}

/**
 * Keys and the secret come from the environment (GU_PUBLIC_KEY, GU_SECRET_KEY, GU_SECRET); when unset they
 * are generated once and kept in the data directory (keys.json, readable by its owner only), so a first run
 * needs no setup and later runs keep the same keys.
 */
export function loadConfig(overrides: Partial<ServerConfig> = {}, env = process.env): ServerConfig {
  const store = overrides.store ?? env.GU_STORE ?? 'sqlite:./data';
  const dir = dataDirOf(store);
  let saved: Partial<ServerConfig> = {};
  const keysFile = dir && join(dir, 'keys.json');
  if (keysFile && existsSync(keysFile)) saved = JSON.parse(readFileSync(keysFile, 'utf8'));
  const make = (prefix: string) => `${prefix}_${randomBytes(18).toString('base64url')}`;
  const keys = {
    publicKey: env.GU_PUBLIC_KEY ?? saved.publicKey ?? make('pk'),
    secretKey: env.GU_SECRET_KEY ?? saved.secretKey ?? make('sk'),
    secret: env.GU_SECRET ?? saved.secret ?? randomBytes(32).toString('base64url'),
  };
  if (keysFile && !existsSync(keysFile)) {
    mkdirSync(dir!, { recursive: true });
    writeFileSync(keysFile, JSON.stringify(keys, null, 2), { mode: 0o600 });
  }
  const num = (v: string | undefined, fallback: number) => {
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`expected a number in the environment, not "${v}"`);
    return n;
  };
  return {
    host: env.GU_HOST ?? '127.0.0.1',
    port: num(env.GU_PORT, 8080),
    store,
    ...keys,
    deadlineMs: num(env.GU_DEADLINE_MS, 50),
    rateLimitPerMinute: num(env.GU_RATE_LIMIT, 600),
    retrainHours: num(env.GU_RETRAIN_HOURS, 24 * 7),
    homeListThreads: num(env.GU_HOME_LIST_THREADS, Math.max(1, availableParallelism() - 1)),
    homeListRefreshHours: num(env.GU_HOME_LIST_REFRESH_HOURS, 6),
    logLevel: env.GU_LOG_LEVEL ?? 'info',
    trustProxy: /^(1|true|yes)$/i.test(env.GU_TRUST_PROXY ?? ''),
    ...overrides,
  };
}
