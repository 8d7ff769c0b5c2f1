import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** Makes temp dirs for one test file and removes them all when its tests are done. */
export function tempDirs(): () => Promise<string> {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gu-store-'));
    dirs.push(dir);
    return dir;
  };
}
