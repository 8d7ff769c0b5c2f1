import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';
import { parseCpuList, pin, threadCpuList, threadCpuLists } from '@gu/server';
import { coreSplit, pinServer } from './cores.js';
import { defaultGenerator, load, type LoadGenerator } from './load.js';

const split = coreSplit();
const allCores = `0-${os.cpus().length - 1}`;

const tasks = (pid: number) => readdirSync(`/proc/${pid}/task`);

describe('cores for the server and the load generator', { skip: !split && 'one core, or no taskset' }, () => {
  let server: Server;
  let url: string;
  before(async () => {
    server = createServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  test('the split gives each side its own cores and leaves none out', () => {
    const [s, l] = [parseCpuList(split!.server), parseCpuList(split!.load)];
    assert.ok(s.length >= 1 && l.length === 1);
    assert.ok(!s.some((c) => l.includes(c)));
    assert.deepEqual([...s, ...l].sort(), parseCpuList(allCores));
  });

  /** A Node process with a worker thread, which starts another when told (startAnother resolves then). */
  const withWorkers = () => {
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const { Worker } = require('node:worker_threads');
         const idle = () => new Worker('setInterval(() => {}, 1000)', { eval: true });
         idle();
         process.stdin.once('data', () => { idle(); setTimeout(() => console.log('two'), 300); });
         console.log('one');`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const line = () =>
      new Promise<string>((resolve) => child.stdout!.once('data', (d) => resolve(String(d))));
    const startAnother = () => {
      child.stdin!.write('\n');
      return line();
    };
    return { child, started: line(), startAnother };
  };

  test('pin confines every thread of a process, those it starts afterwards too', async () => {
    const { child, started, startAnother } = withWorkers();
    try {
      await started;
      assert.deepEqual(threadCpuLists(child.pid!), [allCores]);
      pin(child.pid!, split!.server);
      await startAnother();
      assert.deepEqual(threadCpuLists(child.pid!), [split!.server]);
    } finally {
      child.kill();
    }
  });

  test("pinServer gives the JavaScript thread and what it starts the server's cores, its helpers the load's", async () => {
    const { child, started, startAnother } = withWorkers();
    try {
      await started;
      const pid = child.pid!;
      const before = tasks(pid);
      assert.ok(before.length > 2, 'node runs helper threads besides its main thread');
      pinServer(pid, split!);
      for (const task of before)
        assert.equal(
          threadCpuList(pid, task),
          task === String(pid) ? split!.server : split!.load,
          `thread ${task}`,
        );
      await startAnother();
      const later = tasks(pid).filter((task) => !before.includes(task));
      assert.ok(later.length > 0, 'the new worker runs on threads of its own');
      for (const task of later) assert.equal(threadCpuList(pid, task), split!.server, `new thread ${task}`);
    } finally {
      child.kill();
    }
  });

  for (const generator of ['wrk', 'autocannon'] as LoadGenerator[])
    test(
      `${generator} runs on the cores it is given`,
      {
        skip: generator === 'wrk' && defaultGenerator() !== 'wrk' && 'wrk is not installed',
      },
      async () => {
        let during: string[] = [];
        // Halfway through the run: where the load generator (wrk, a child; autocannon, this process) may run.
        const look = setTimeout(() => {
          const pid =
            generator === 'wrk'
              ? Number(execFileSync('pgrep', ['-P', String(process.pid), '-x', 'wrk'], { encoding: 'utf8' }))
              : process.pid;
          during = threadCpuLists(pid);
        }, 1000);
        const result = await load({
          url,
          connections: 2,
          seconds: 2,
          requests: [{ path: '/' }],
          generator,
          cpus: split!.load,
        });
        clearTimeout(look);
        assert.ok(result.requests > 10);
        assert.deepEqual(during, [split!.load]);
        assert.deepEqual(threadCpuLists(process.pid), [allCores], 'this process has every core again');
      },
    );
});
