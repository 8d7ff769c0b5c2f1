// Import-boundary check: dependencies between workspace packages point inward.
// core imports no workspace package and no I/O module; nothing imports server or cli.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Which workspace packages each package may import. */
const allowed = {
  core: [],
  'store-embedded': ['core'],
  'store-aws': ['core'],
  'store-postgres': ['core'],
  sdk: [],
  server: ['core', 'store-embedded', 'store-aws', 'store-postgres'],
  // The CLI's simulator is a client of the API, as a shop's pages are.
  cli: ['core', 'store-embedded', 'store-aws', 'store-postgres', 'server', 'sdk'],
  web: ['sdk'],
};
/** Node modules the core must not touch: it knows nothing of files, sockets, HTTP or processes. */
const ioModules =
  /^(node:)?(fs|fs\/promises|net|http|https|http2|dgram|dns|tls|child_process|cluster|readline|process)$/;

const problems = [];
const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });

for (const pkg of readdirSync('packages')) {
  const rules = allowed[pkg];
  if (!rules) {
    problems.push(`packages/${pkg}: unknown package, add it to scripts/check-boundaries.mjs`);
    continue;
  }
  for (const file of files(join('packages', pkg, 'src'))) {
    const source = readFileSync(file, 'utf8');
    for (const [, spec] of source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      const workspace = spec.match(/^@gu\/([^/]+)/)?.[1];
      if (workspace && workspace !== pkg && !rules.includes(workspace))
        problems.push(`${file}: ${pkg} may not import @gu/${workspace}`);
      // Tests may read fixtures from disk; the core's shipped code may not.
      if (pkg === 'core' && ioModules.test(spec) && !file.endsWith('.test.ts'))
        problems.push(`${file}: core may not import ${spec}`);
      if (!workspace && spec.startsWith('.') && spec.includes(`/packages/`))
        problems.push(`${file}: reaches into another package by path (${spec})`);
    }
  }
}
if (problems.length) {
  console.error(`Import boundaries violated:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('import boundaries: ok');
