#!/usr/bin/env node
import { Command } from 'commander';
import { evaluateCommand } from './commands/evaluate.js';

const program = new Command('gu')
  .description('Gu: real-time personalization for online shops')
  .showHelpAfterError()
  .addCommand(evaluateCommand);

program.parseAsync().catch((error: unknown) => {
  console.error(`gu: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
