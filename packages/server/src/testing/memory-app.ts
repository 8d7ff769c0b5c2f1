import { Gu, memoryStores } from '@gu/core';
import { buildApp, type AppOptions } from '../app.js';
import { createMetrics } from '../metrics.js';

/** The keys of the test apps. */
export const TEST_KEYS = { publicKey: 'pk_test_public_key', secretKey: 'sk_test_secret_key' };

/** The app alone over memory stores, with the test keys and the options given; the caller closes both. */
export async function appOver(options: Omit<AppOptions, 'gu' | 'keys' | 'metrics' | 'logSecret'>) {
  const gu = await Gu.open(memoryStores());
  const app = await buildApp({
    gu,
    keys: TEST_KEYS,
    metrics: createMetrics(),
    logSecret: 'log-secret',
    ...options,
  });
  return { gu, app };
}
