import { memoryStores, type Stores } from '@gu/core';
import { openEmbeddedStores } from '@gu/store-embedded';
import { dataDirOf } from './config.js';

/**
 * Adapters chosen by URL (STYLE.md): `sqlite:DIR` embedded, `memory:` for trials and tests. A `writer` (words
 * naming it) consumes the event log and holds the data directory's writer lock until the stores close.
 */
export function openStores(url: string, secret: string, writer?: string): Stores {
  const dir = dataDirOf(url); // throws on an unknown scheme
  if (!dir) return memoryStores();
  return openEmbeddedStores(dir, { secret, writer });
}
