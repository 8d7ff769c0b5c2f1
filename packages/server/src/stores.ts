import { memoryStores, type Stores } from '@gu/core';
import { openEmbeddedStores } from '@gu/store-embedded';
import { dataDirOf } from './config.js';

/** Adapters chosen by URL (STYLE.md): `sqlite:DIR` embedded, `memory:` for trials and tests. */
export function openStores(url: string, secret: string): Stores {
  const dir = dataDirOf(url); // throws on an unknown scheme
  if (!dir) return memoryStores();
  return openEmbeddedStores(dir, { secret });
}
