// The command line of the bench scripts: --only NAMES (checked against what the script runs), --help, and
// with `--`, flags passed on to every gu command. Anything else is refused before a long run starts.
import { parseArgs } from 'node:util';

/**
 * { only, extra } from process.argv: only is undefined (everything) or the names asked for, each of which
 * must match one of names (a prefix when prefixes is true: `beauty` selects every beauty run).
 */
export function benchArgs(usage, names, { prefixes = false, passThrough = false } = {}) {
  const argv = process.argv.slice(2);
  const split = argv.indexOf('--');
  if (split >= 0 && !passThrough) fail(`this script passes no flags on to gu\n\n${usage}`);
  let parsed;
  try {
    parsed = parseArgs({
      args: split >= 0 ? argv.slice(0, split) : argv,
      options: { only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    fail(`${error.message}\n\n${usage}`);
  }
  if (parsed.values.help) {
    console.log(`${usage}\n\nNames: ${names.join(', ')}`);
    process.exit(0);
  }
  const only = parsed.values.only?.split(',').filter(Boolean);
  const unknown = only?.filter((o) => !names.some((n) => (prefixes ? n.startsWith(o) : n === o)));
  if (only && !only.length) fail(`--only needs names: ${names.join(', ')}`);
  if (unknown?.length) fail(`--only: no run named ${unknown.join(', ')}; the runs are ${names.join(', ')}`);
  return { only, extra: split >= 0 ? argv.slice(split + 1) : [] };
}

function fail(message) {
  console.error(message);
  process.exit(2);
}
