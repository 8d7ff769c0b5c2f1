import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { allowedCpus, parseCpuList } from './cpu-affinity.js';

test('parseCpuList reads the lists taskset and /proc print', () => {
  assert.deepEqual(parseCpuList('0'), [0]);
  assert.deepEqual(parseCpuList('0-2,5'), [0, 1, 2, 5]);
  assert.deepEqual(parseCpuList('1,3-4'), [1, 3, 4]);
  assert.throws(() => parseCpuList('0-2;5'), /not a CPU list: 0-2;5/);
});

test('allowedCpus lists the CPUs this process may run on', () => {
  const cpus = allowedCpus();
  assert.equal(cpus.length, availableParallelism());
  assert.deepEqual(
    cpus,
    [...cpus].sort((a, b) => a - b),
  );
});
