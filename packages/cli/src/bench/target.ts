// A server under benchmark, in its own process so that the load generator does not share its event loop.
// Argument: JSON options. Prints one JSON line ({ url, publicKey, secretKey, setupSeconds }) once it listens.
import { availableParallelism } from 'node:os';
import Fastify from 'fastify';
import { encodeModel, createRecipe, numItems, type RecipeName } from '@gu/core';
import { announceReady, clusterMember, loadConfig, startServer, supervise } from '@gu/server';
import { eventsOf, syntheticShop } from './synthetic.js';

export interface TargetOptions {
  kind: 'gu' | 'bare';
  store: string;
  items: number;
  users: number;
  eventsPerUser: number;
  /** Fit and serve models (off for ingest, which needs none). */
  models: boolean;
  /** Serving replicas beside the writer, as `gu start --workers` (1: one process). */
  workers?: number;
  /** A cluster's replicas each on a CPU of its own (`gu start --pin`). */
  pin?: boolean;
}

const PUBLIC_KEY = 'pk_bench';
const SECRET_KEY = 'sk_bench';

const SERVED: RecipeName[] = [
  'popular',
  'trending',
  'similar-items',
  'bought-together',
  'user-personalization',
];

async function main(o: TargetOptions): Promise<void> {
  const t0 = performance.now();
  if (o.kind === 'bare') {
    const app = Fastify();
    app.get('/hello', async () => ({ hello: 'world' }));
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    console.log(JSON.stringify({ url, setupSeconds: 0 }));
    return;
  }
  const member = clusterMember();
  if ((o.workers ?? 1) > 1 && !member) {
    // The cluster's supervisor: the writer below sets the shop up, then the replicas load it from the stores.
    // Workers of a cluster that listen on port 0 share one port, chosen at the first listen.
    const log = (line: string) => console.error(`[target] ${line}`);
    const cluster = await supervise(o.workers!, log, { pin: o.pin });
    const setupSeconds = (performance.now() - t0) / 1000;
    console.log(
      JSON.stringify({ url: cluster.url, publicKey: PUBLIC_KEY, secretKey: SECRET_KEY, setupSeconds }),
    );
    return;
  }
  const config = loadConfig({
    store: o.store,
    port: 0,
    rateLimitPerMinute: 0,
    retrainHours: 0,
    logLevel: 'warn',
    publicKey: PUBLIC_KEY,
    // Nothing is served while the target sets up: the preparation may take every core.
    homeListThreads: availableParallelism(),
    secretKey: SECRET_KEY,
  });
  const { gu, url } = await startServer(config, [], member);
  if (member?.role === 'replica') {
    // Measured once its home lists are ready, as the single-process target is.
    await gu.prepareHomeLists();
    return announceReady(url);
  }
  let homeLists: Awaited<ReturnType<typeof gu.prepareHomeLists>>;
  if (o.models) {
    const now = Date.now();
    const stage = (what: string) =>
      console.error(`[target ${((performance.now() - t0) / 1000).toFixed(1)} s] ${what}`);
    stage(`generating a shop of ${o.items} items and ${o.users} shoppers`);
    const shop = syntheticShop({
      items: o.items,
      users: o.users,
      eventsPerUser: o.eventsPerUser,
      categories: 200,
      now,
    });
    stage(`${shop.interactions.item.length} events; importing the catalog`);
    for (let i = 0; i < shop.items.length; i += 1000) await gu.putItems(shop.items.slice(i, i + 1000));
    const d = shop.interactions;
    for (const name of SERVED) {
      stage(`fitting ${name}`);
      const recipe = createRecipe(name);
      await recipe.fit(d);
      const id = `${name}-bench`;
      const blob = encodeModel(recipe, d.itemIds);
      await gu.stores.models.put(
        {
          id,
          recipe: name,
          createdAt: now,
          params: recipe.params as Record<string, unknown>,
          metrics: {},
          data: { users: d.userIds.length, items: numItems(d), interactions: d.item.length },
          watermark: 0,
          trainSeconds: 0,
          sizeBytes: blob.byteLength,
        },
        blob,
      );
      await gu.promote(id);
    }
    stage('loading real-time state');
    // Each shopper's real-time state holds their latest events, as the stream processor would have left it.
    let r = 0;
    const pending: ReturnType<typeof eventsOf> = [];
    while (r < d.user.length) {
      const u = d.user[r];
      let end = r;
      while (end < d.user.length && d.user[end] === u) end++;
      const key = `u:${d.userIds[u]}`;
      const latest = eventsOf(d, Math.max(r, end - 10), end, d.userIds[u]);
      for (const e of latest) gu.states.apply(key, e);
      // Replicas rebuild the state from the event store, as after a restart.
      if (member) pending.push(...latest);
      if (pending.length >= 10_000) await gu.stores.events.add(pending.splice(0));
      r = end;
    }
    await gu.stores.events.add(pending);
    // As after a restart: every shopper's home list is ranked in the background before requests find it
    // (in a cluster, by each replica: the writer serves no shopper).
    if (!member) {
      stage('preparing home lists');
      homeLists = await gu.prepareHomeLists();
      stage(`home lists ready: ${JSON.stringify(homeLists)}`);
    }
  }
  if (member) return announceReady(url);
  console.log(
    JSON.stringify({
      url,
      publicKey: config.publicKey,
      secretKey: config.secretKey,
      setupSeconds: (performance.now() - t0) / 1000,
      rssMb: Math.round(process.memoryUsage.rss() / 2 ** 20),
      homeLists,
    }),
  );
}

main(JSON.parse(process.argv[2])).catch((error) => {
  console.error(error);
  process.exit(1);
});
