import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { TargetOptions } from './target.js';

export interface Target {
  url: string;
  /** The target's process, for pinning it to cores once it is set up. */
  pid: number;
  publicKey?: string;
  secretKey?: string;
  setupSeconds: number;
  rssMb?: number;
  stop(): void;
}

/**
 * V8's flags for a server, as `npm start`, `npm run gu` and the `gu` executable pass them (package.json, the
 * CLI's shebang); README says why.
 */
export const SERVER_V8_FLAGS = [
  '--min-semi-space-size=32',
  '--max-semi-space-size=32',
  '--no-allocation-site-pretenuring',
  '--no-memory-reducer',
  '--heap-growing-percent=300',
];

/** Starts a benchmark target in a child process and waits for the line saying where it listens. */
export function startTarget(options: TargetOptions): Promise<Target> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...SERVER_V8_FLAGS,
      '--max-old-space-size=16384',
      new URL('./target.js', import.meta.url).pathname,
      JSON.stringify(options),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`benchmark target exited with code ${code}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      child.removeAllListeners('exit');
      resolve({ ...JSON.parse(line), pid: child.pid!, stop: () => child.kill('SIGKILL') });
    });
  });
}
