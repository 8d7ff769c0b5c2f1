import { Gu } from '@gu/core';
import { loadConfig, openStores, type ServerConfig } from '@gu/server';

/** Opens Gu over a data directory for a command that runs without the server. */
export async function openGu(
  data: string,
  overrides: Partial<ServerConfig> = {},
): Promise<{ gu: Gu; close(): Promise<void> }> {
  const config = loadConfig({ store: `sqlite:${data}`, ...overrides });
  const gu = await Gu.open(openStores(config.store, config.secret));
  return {
    gu,
    async close() {
      await gu.close();
      await Promise.all(Object.values(gu.stores).map((s) => s.close()));
    },
  };
}
