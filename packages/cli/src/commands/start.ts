import { resolve } from 'node:path';
import { Command } from 'commander';
import {
  announceReady,
  clusterMember,
  isWebBuild,
  loadConfig,
  startServer,
  supervise,
  webPlugin,
  type ServerConfig,
} from '@gu/server';
import { DataDirInUseError } from '@gu/store-embedded';
import { portNumber, positiveInt } from '../io/args.js';
import { demoPending, findDemoData, setUpDemo } from '../io/demo.js';
import { Progress } from '../io/progress.js';

/** The built storefront and dashboard: GU_WEB_DIR, else packages/web/dist beside this package. */
const webBuild = () => process.env.GU_WEB_DIR || resolve(import.meta.dirname, '../../../web/dist');

interface StartFlags {
  data: string;
  host: string;
  port?: number;
  demo: boolean;
  workers?: number;
  pin: boolean;
}

/** What `gu start` prints once Gu serves. */
function banner(url: string, config: ServerConfig, web: string): string {
  return [
    '',
    `Gu is running at ${url}`,
    ...(isWebBuild(web)
      ? [`  storefront    ${url}/`, `  dashboard     ${url}/admin   (sign in with the secret key)`]
      : [`  storefront    not built (npm run build)`]),
    `  API docs      ${url}/docs`,
    `  public key    ${config.publicKey}   (events and recommendations; safe in web pages)`,
    `  secret key    ${config.secretKey}   (admin; keep it private)`,
    `  try           curl -H 'x-api-key: ${config.publicKey}' '${url}/v1/popular?n=5'`,
    '',
  ].join('\n');
}

export const startCommand = new Command('start')
  .description('Start Gu: the API, and on the first run the demo shop (catalog, history, trained models).')
  .option('--data <dir>', 'data directory (embedded SQLite, models, Parquet lake)', './data')
  .option('--host <host>', 'address to listen on', process.env.GU_HOST ?? '127.0.0.1')
  .option('--port <port>', 'port to listen on, 0–65535 (default: GU_PORT, else 8080)', portNumber('--port'))
  .option('--no-demo', 'start empty instead of seeding the demo shop on the first run')
  .option(
    '--workers <n>',
    'serving processes sharing the port, beside one writer process (README: Serving on every core); 1, the default (or GU_WORKERS), runs everything in one process',
    positiveInt('--workers'),
  )
  .option(
    '--pin',
    'with --workers: each serving process on a CPU of its own (Linux, taskset), for a shorter latency tail on a machine Gu has to itself (or GU_PIN=1)',
    process.env.GU_PIN === '1',
  )
  .action(async (flags: StartFlags) => {
    const port = flags.port ?? portNumber('GU_PORT')(process.env.GU_PORT ?? '8080');
    const config = loadConfig({ store: `sqlite:${flags.data}`, host: flags.host, port });
    // Without a build the API still serves; the plugin logs it and / shows how to build.
    const web = webBuild();
    const member = clusterMember();
    const workers = flags.workers ?? positiveInt('GU_WORKERS')(process.env.GU_WORKERS ?? '1');
    if (flags.pin && workers === 1 && !member)
      console.error(
        '[gu] --pin pins the serving processes of --workers N (N ≥ 2); one process runs unpinned',
      );
    if (workers > 1 && !member) {
      const log = (line: string) => console.error(`[gu] ${line}`);
      const cluster = await supervise(workers, log, { pin: flags.pin });
      console.error(banner(cluster.url, config, web));
      return;
    }
    const server = await startServer(
      config,
      [webPlugin({ dir: web, publicKey: config.publicKey })],
      member,
    ).catch((error: unknown) => {
      if (error instanceof DataDirInUseError)
        throw new Error(`${error.message}. Stop it first, or start this one with another --data directory`);
      if ((error as { code?: string }).code === 'EADDRINUSE')
        throw new Error(
          `port ${config.port} on ${config.host} is taken by another program: choose another with --port (or GU_PORT)`,
        );
      throw error;
    });
    const { gu, app } = server;
    // A replica serves what its writer seeded.
    const pending = member?.role === 'replica' || !flags.demo ? undefined : await demoPending(gu);
    const demo = pending && findDemoData();
    if (demo) {
      app.log.info(
        { from: demo },
        pending === 'resumed'
          ? 'resuming the unfinished demo shop seeding'
          : 'first run: seeding the demo shop',
      );
      const progress = new Progress();
      try {
        app.log.info(await setUpDemo(gu, demo, progress), 'demo shop ready');
      } catch (error) {
        // Not a server left running without models: the next start resumes the seeding.
        progress.stop(false);
        app.log.error({ err: error }, 'could not set up the demo shop');
        await server.close();
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(
          `the demo shop could not be set up: ${reason}. Run gu start again to resume, or gu start --no-demo to start without it.`,
          { cause: error },
        );
      }
    } else if (pending) app.log.warn('no demo data found (set GU_DEMO_DATA); starting with an empty shop');
    const shutdown = async (signal: string) => {
      app.log.info({ signal }, 'shutting down');
      await server.close();
      process.exit(0);
    };
    // Before Gu says it runs: a signal sent as soon as it does is a clean shutdown, not the default kill.
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    // A cluster's process outlives no supervisor (killed with -9, say): it would hold the data directory.
    if (member) process.once('disconnect', () => void shutdown('supervisor gone'));
    if (member) announceReady(server.url);
    else console.error(banner(server.url, config, web));
  });
