import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU affinity through util-linux's taskset (Node has no API for it). Each replica of `gu start --workers N
 * --pin` gets a CPU of its own: left to the scheduler, the replicas of a 2-core machine and whatever else runs
 * there take turns on both cores, and every turn a replica waits shows in the latency tail (README: Serving on
 * every core has the figures).
 */

/** Confines every thread of a process, and the threads it starts later, to the CPUs listed ("0", "0-2,5"). */
export function pin(pid: number, cpus: string): void {
  execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', cpus, String(pid)], { stdio: 'ignore' });
}

/** The CPUs this process may run on (a container's cpuset may leave out some of the machine's). */
export function allowedCpus(): number[] {
  const out = execFileSync('taskset', ['--cpu-list', '--pid', String(process.pid)], { encoding: 'utf8' });
  return parseCpuList(out.slice(out.lastIndexOf(':') + 1).trim());
}

/** "0-2,5" → [0, 1, 2, 5]. */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`not a CPU list: ${list}`);
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    for (let cpu = from; cpu <= to; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** The CPU list one thread of a process may run on, as Linux reports it ("0-1"). */
export const threadCpuList = (pid: number, thread: string): string =>
  /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/task/${thread}/status`, 'utf8'))![1];

/** The distinct CPU lists the threads of a process may run on, sorted: one entry when they all agree. */
export const threadCpuLists = (pid: number): string[] =>
  [...new Set(readdirSync(`/proc/${pid}/task`).map((thread) => threadCpuList(pid, thread)))].sort();
