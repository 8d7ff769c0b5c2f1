import { execFileSync } from 'node:child_process';

const known = new Map<string, boolean>();

/**
 * Whether a program is on the PATH, looked up once: `program --version` ran, whatever its exit status (wrk
 * exits 1 after printing its version).
 */
export function installed(program: string): boolean {
  let found = known.get(program);
  if (found === undefined) {
    try {
      execFileSync(program, ['--version'], { stdio: 'ignore' });
      found = true;
    } catch (error) {
      found = (error as NodeJS.ErrnoException).code !== 'ENOENT';
    }
    known.set(program, found);
  }
  return found;
}
