import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GuError } from '../errors.js';
import { runSteps, type Step } from './steps.js';

/** Steps that log what they do; `fail` names the step whose invoke throws. */
function recorded(names: string[], fail?: string, failCompensation?: string) {
  const log: string[] = [];
  const steps: Step[] = names.map((name) => ({
    name,
    invoke: async () => {
      if (name === fail) throw new Error(`${name} broke`);
      log.push(`do ${name}`);
    },
    compensate: () => {
      if (name === failCompensation) throw new Error(`undo ${name} broke`);
      log.push(`undo ${name}`);
    },
  }));
  return { log, steps };
}

describe('runSteps', () => {
  test('runs every step in order', async () => {
    const { log, steps } = recorded(['a', 'b', 'c']);
    await runSteps(steps);
    assert.deepEqual(log, ['do a', 'do b', 'do c']);
  });

  test('a failing step undoes the completed ones in reverse order and rethrows, naming the step', async () => {
    const { log, steps } = recorded(['a', 'b', 'c', 'd'], 'c');
    await assert.rejects(runSteps(steps), (e: Error) => {
      assert.match(e.message, /step c failed: c broke/);
      assert.match(String((e.cause as Error).message), /c broke/);
      return true;
    });
    assert.deepEqual(log, ['do a', 'do b', 'undo b', 'undo a']);
  });

  test('steps without compensation are skipped when undoing', async () => {
    const log: string[] = [];
    await assert.rejects(
      runSteps([
        { name: 'a', invoke: () => void log.push('do a'), compensate: () => void log.push('undo a') },
        { name: 'b', invoke: () => void log.push('do b') },
        {
          name: 'c',
          invoke: () => {
            throw new Error('no');
          },
        },
      ]),
    );
    assert.deepEqual(log, ['do a', 'do b', 'undo a']);
  });

  test('a failing first step undoes nothing', async () => {
    const { log, steps } = recorded(['a', 'b'], 'a');
    await assert.rejects(runSteps(steps), /step a failed/);
    assert.deepEqual(log, []);
  });

  test('a compensation that fails does not stop the others; the step’s error is what is thrown', async () => {
    const { log, steps } = recorded(['a', 'b', 'c'], 'c', 'b');
    await assert.rejects(runSteps(steps), /step c failed: c broke/);
    assert.deepEqual(log, ['do a', 'do b', 'undo a']);
  });

  test('a coded error keeps its code, so callers can tell a 404 from a 500', async () => {
    await assert.rejects(
      runSteps([
        {
          name: 'load',
          invoke: () => {
            throw new GuError('UNKNOWN_MODEL');
          },
        },
      ]),
      (e: unknown) => e instanceof GuError && e.code === 'UNKNOWN_MODEL',
    );
  });

  test('non-Error throws are reported too', async () => {
    await assert.rejects(
      runSteps([
        {
          name: 'x',
          invoke: () => {
            throw 'plain string';
          },
        },
      ]),
      /step x failed: plain string/,
    );
  });
});
