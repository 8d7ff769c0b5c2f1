import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { closeStores, Gu, type Stores } from '@gu/core';
import { loadConfig, openStores } from '@gu/server';

/**
 * How a command opens Gu beside a server that may be running on the same data directory. A `writer` consumes
 * the log into the event store and the lake and saves the processor's position, as the server does: only a
 * command that must put events into the lake itself (import) is one, and the writer lock keeps it from
 * running beside a server. A `follower` reads the stores and writes only what its use case writes (model
 * versions, promotions), leaving the log to the server, which sees promotions through its own sync.
 */
export type Role = 'writer' | 'follower';

/**
 * Runs a command's work on the stores of a data directory, and closes them whatever the work does. A writer
 * holds the directory's writer lock meanwhile: it fails at once, saying who holds it, beside a server. A
 * follower only reads a shop: the directory must hold one.
 */
export async function withStores<T>(
  data: string,
  work: (stores: Stores) => Promise<T>,
  role: Role = 'follower',
): Promise<T> {
  // Reading a directory that holds no shop would create one, keys and all, to report that it is empty.
  if (role === 'follower' && !existsSync(join(data, 'gu.db')))
    throw new Error(
      `no Gu data in ${data}: gu start --data ${data} or gu import … --data ${data} creates it (--data chooses the directory)`,
    );
  const config = loadConfig({ store: `sqlite:${data}` });
  const command = `gu ${process.argv.slice(2).join(' ')}`.trim();
  const stores = openStores(config.store, config.secret, role === 'writer' ? command : undefined);
  try {
    return await work(stores);
  } finally {
    await closeStores(stores);
  }
}

/**
 * Runs a command's work on Gu opened over a data directory, without the server, and closes it (the processor,
 * with a writer's checkpoint, then the stores) whatever the work does. The CLI serves no shopper, so no home
 * lists are prepared.
 */
export async function withGu<T>(data: string, role: Role, work: (gu: Gu) => Promise<T>): Promise<T> {
  return withStores(
    data,
    async (stores) => {
      const gu = await Gu.open(stores, { follower: role === 'follower', homeListThreads: 0 });
      try {
        return await work(gu);
      } finally {
        await gu.close();
      }
    },
    role,
  );
}
