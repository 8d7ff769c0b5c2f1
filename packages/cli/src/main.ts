#!/usr/bin/env -S node --min-semi-space-size=32 --max-semi-space-size=32 --no-allocation-site-pretenuring --no-memory-reducer --heap-growing-percent=300
import { Command } from 'commander';
import { benchCommand } from './commands/bench.js';
import { evaluateCommand } from './commands/evaluate.js';
import { importCommand } from './commands/import.js';
import { modelsCommand } from './commands/models.js';
import { simulateCommand } from './commands/simulate.js';
import { startCommand } from './commands/start.js';
import { trainCommand } from './commands/train.js';

const program = new Command('gu')
  .description('Gu: real-time personalization for online shops')
  .showHelpAfterError()
  .addCommand(startCommand)
  .addCommand(importCommand)
  .addCommand(trainCommand)
  .addCommand(modelsCommand)
  .addCommand(evaluateCommand)
  .addCommand(benchCommand)
  .addCommand(simulateCommand);

program.parseAsync().catch((error: unknown) => {
  console.error(`gu: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
  // A cluster's process (gu start --workers) that failed to start: its channel to the supervisor would keep
  // it running, and the supervisor waiting for it (letting go of the channel ends it with code 0).
  if (process.connected) process.exit(1);
});
