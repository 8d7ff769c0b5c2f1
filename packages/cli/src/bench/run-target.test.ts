import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SERVER_V8_FLAGS } from './run-target.js';

const root = new URL('../../../../', import.meta.url);

test("the bench's target runs with V8's flags as the server starts everywhere else", () => {
  const flags = SERVER_V8_FLAGS.join(' ');
  const scripts = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).scripts;
  assert.equal(scripts.start, `node ${flags} packages/cli/dist/main.js start`);
  assert.equal(scripts.gu, `node ${flags} packages/cli/dist/main.js`);
  const shebang = readFileSync(new URL('packages/cli/dist/main.js', root), 'utf8').split('\n')[0];
  assert.equal(shebang, `#!/usr/bin/env -S node ${flags}`);
});
