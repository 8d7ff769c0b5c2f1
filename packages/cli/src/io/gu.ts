import { closeStores, Gu } from '@gu/core';
import { loadConfig, openStores } from '@gu/server';

/**
 * Runs a command's work on Gu opened over a data directory, without the server, and closes it (processor
 * checkpoint, then the stores) whatever the work does.
 */
export async function withGu<T>(data: string, work: (gu: Gu) => Promise<T>): Promise<T> {
  const config = loadConfig({ store: `sqlite:${data}` });
  const stores = openStores(config.store, config.secret);
  const gu = await Gu.open(stores);
  try {
    return await work(gu);
  } finally {
    await gu.close();
    await closeStores(stores);
  }
}
