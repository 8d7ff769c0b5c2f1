import { resolve } from 'node:path';
import { Command } from 'commander';
import { isWebBuild, loadConfig, startServer, webPlugin } from '@gu/server';
import { findDemoData, seedDemo } from '../io/demo.js';
import { Progress } from '../io/progress.js';

/** The built storefront and dashboard: GU_WEB_DIR, else packages/web/dist beside this package. */
const webBuild = () => process.env.GU_WEB_DIR || resolve(import.meta.dirname, '../../../web/dist');

interface StartFlags {
  data: string;
  host: string;
  port: number;
  demo: boolean;
}

export const startCommand = new Command('start')
  .description('Start Gu: the API, and on the first run the demo shop (catalog, history, trained models).')
  .option('--data <dir>', 'data directory (embedded SQLite, models, Parquet lake)', './data')
  .option('--host <host>', 'address to listen on', process.env.GU_HOST ?? '127.0.0.1')
  .option('--port <port>', 'port to listen on', (v) => Number(v), Number(process.env.GU_PORT ?? 8080))
  .option('--no-demo', 'start empty instead of seeding the demo shop on the first run')
  .action(async (flags: StartFlags) => {
    const config = loadConfig({ store: `sqlite:${flags.data}`, host: flags.host, port: flags.port });
    // Without a build the API still serves; the plugin logs it and / shows how to build.
    const web = webBuild();
    const server = await startServer(config, [webPlugin({ dir: web, publicKey: config.publicKey })]);
    const { gu, app } = server;
    const firstRun = gu.catalog.size === 0 && (await gu.stores.log.last()) === 0;
    const demo = firstRun && flags.demo ? findDemoData() : undefined;
    if (demo) {
      app.log.info({ from: demo }, 'first run: seeding the demo shop');
      const progress = new Progress();
      const seeded = await seedDemo(gu, demo, progress);
      progress.start('training the recipes', 1);
      const report = await gu.train({ promote: 'always' });
      progress.stop();
      app.log.info({ ...seeded, models: report.promoted }, 'demo shop ready');
    } else if (firstRun && flags.demo)
      app.log.warn('no demo data found (set GU_DEMO_DATA); starting with an empty shop');
    console.error(
      [
        '',
        `Gu is running at ${server.url}`,
        ...(isWebBuild(web)
          ? [
              `  storefront    ${server.url}/`,
              `  dashboard     ${server.url}/admin   (sign in with the secret key)`,
            ]
          : [`  storefront    not built (npm run build)`]),
        `  API docs      ${server.url}/docs`,
        `  public key    ${config.publicKey}   (events and recommendations; safe in web pages)`,
        `  secret key    ${config.secretKey}   (admin; keep it private)`,
        `  try           curl -H 'x-api-key: ${config.publicKey}' '${server.url}/v1/popular?n=5'`,
        '',
      ].join('\n'),
    );
    const shutdown = async (signal: string) => {
      app.log.info({ signal }, 'shutting down');
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
  });
