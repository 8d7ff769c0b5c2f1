import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { installed } from './installed.js';

export interface CoreStalls {
  /** The core the spinning thread was pinned to; undefined without taskset. */
  cpu?: number;
  /** Times it did not run for STALL_MS or more. */
  stalls: number;
  /** Their total, in ms. */
  lostMs: number;
  longestMs: number;
}

/** A gap of this much between two readings of the clock is a stall: the loop itself takes microseconds. */
const STALL_MS = 0.5;

// Spins for the given seconds, reading the clock; prints the gaps. It allocates nothing per turn, so its own
// garbage collector never runs in the loop.
const SPINNER = `
const end = performance.now() + Number(process.argv[1]) * 1000;
const gaps = new Float64Array(100000);
let n = 0;
let last = performance.now();
while (last < end) {
  const t = performance.now();
  if (t - last >= ${STALL_MS} && n < gaps.length) gaps[n++] = t - last;
  last = t;
}
console.log(JSON.stringify(Array.from(gaps.subarray(0, n))));
`;

/**
 * How often the machine takes a core away from a thread that never blocks, measured on every core at once
 * with nothing else running: what a virtual machine's host, the kernel's own work and interrupts cost. On
 * the reference machine this reaches several milliseconds, most of a 10 ms latency budget, before any server
 * does anything: it is the floor under the p99 of every table in the serve section.
 */
export async function machineStalls(seconds: number): Promise<CoreStalls[]> {
  const cores = availableParallelism();
  const pinned = installed('taskset');
  return Promise.all(
    Array.from({ length: cores }, (_, cpu) => {
      const args = ['-e', SPINNER, String(seconds)];
      const child = pinned
        ? spawn('taskset', ['--cpu-list', String(cpu), process.execPath, ...args])
        : spawn(process.execPath, args);
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      return new Promise<CoreStalls>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code) => {
          if (code !== 0) return reject(new Error(`the spinning probe exited with code ${code}`));
          const gaps = JSON.parse(out) as number[];
          resolve({
            ...(pinned ? { cpu } : {}),
            stalls: gaps.length,
            lostMs: round(gaps.reduce((a, b) => a + b, 0)),
            longestMs: round(gaps.reduce((a, b) => Math.max(a, b), 0)),
          });
        });
      });
    }),
  );
}

const round = (ms: number) => Math.round(ms * 100) / 100;
