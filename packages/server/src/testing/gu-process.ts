import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The built CLI, next to this package: `npm run build` compiles it with the tests. */
export const CLI = fileURLToPath(new URL('../../../cli/dist/main.js', import.meta.url));
export const PUBLIC = 'pk_test_public';
export const SECRET = 'sk_test_secret';
export const GU_SECRET = 'test-secret';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface GuProcess {
  process: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | string | null>;
}

/** `gu start --no-demo` on the data directory (more flags after), resolved once /healthz answers. */
export async function startGu(data: string, flags: string[] = []): Promise<GuProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [CLI, 'start', '--data', data, '--host', '127.0.0.1', '--port', String(port), '--no-demo', ...flags],
    {
      env: {
        ...process.env,
        GU_RETRAIN_HOURS: '0',
        GU_RATE_LIMIT: '0',
        GU_PUBLIC_KEY: PUBLIC,
        GU_SECRET_KEY: SECRET,
        GU_SECRET,
        GU_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let gone = false;
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => {
      gone = true;
      resolve(signal ?? code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (gone) throw new Error(`gu start exited early:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gu start did not answer /healthz:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { process: child, url, output: () => output, exited };
}

/** The process ids a cluster's supervisor printed: the writer's, then the replicas'. */
export function clusterPids(output: string): { writer: number; replicas: number[] } {
  const writer = Number(/writer ready at \S+ \(pid (\d+)\)/.exec(output)?.[1]);
  const replicas = /replicas ready \(pids ([\d, ]+)\)/.exec(output)?.[1].split(', ').map(Number) ?? [];
  if (!writer || !replicas.length) throw new Error(`no process ids in the output:\n${output}`);
  return { writer, replicas };
}
