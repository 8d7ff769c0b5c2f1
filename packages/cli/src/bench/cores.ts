import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { pin } from '@gu/server';
import { installed } from './installed.js';

/**
 * The machine's cores split between the server under test and the load generator, as CPU lists for
 * taskset: the load generator gets the last core, the server's JavaScript thread the others (pinServer says
 * where its helper threads go).
 *
 * Unsplit, the server's garbage-collector helper threads run on the load generator's core too: wrk then waits
 * for a core with answers already in its socket and counts the wait as latency, hundreds of milliseconds of
 * p99 that the server's own latency histogram never saw (BENCHMARKS.md has the runs).
 */
export interface CoreSplit {
  server: string;
  load: string;
}

/** The split for this machine, or undefined with a single core or without taskset (util-linux). */
export function coreSplit(): CoreSplit | undefined {
  const cores = os.cpus().length;
  if (cores < 2 || !installed('taskset')) return undefined;
  return { server: cores === 2 ? '0' : `0-${cores - 2}`, load: String(cores - 1) };
}

/**
 * Gives a Node server's JavaScript thread (and the threads it starts later) the server's cores, and puts the
 * helper threads it runs already (V8's garbage collector and compilers, libuv's pool) with the load
 * generator, which a one-thread wrk leaves nearly idle. All on the server's cores, a major collection's
 * concurrent marking takes turns with the JavaScript thread on a core of a 2-core machine, and answers wait
 * 150-200 ms at p99; in production the helpers have the cores no load generator takes.
 */
export function pinServer(pid: number, split: CoreSplit): void {
  pin(pid, split.load);
  // Without --all-tasks taskset sets one thread: the main thread, whose id is the process id.
  execFileSync('taskset', ['--cpu-list', '--pid', split.server, String(pid)], { stdio: 'ignore' });
}
