/* global fetch */
// A real Gu server for the browser test: `gu start` in a child process on a free port with a fresh data
// directory, seeded through the public API with the small shop of shop-fixture.json, then trained.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = join(import.meta.dirname, '../../..');
export const PUBLIC_KEY = 'pk_e2e_public';
export const SECRET_KEY = 'sk_e2e_secret';

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

/** Starts `gu start --no-demo`; resolves once /healthz answers. */
export async function startShop() {
  const data = mkdtempSync(join(tmpdir(), 'gu-e2e-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(root, 'packages/cli/dist/main.js'), 'start', '--data', data, '--port', String(port), '--no-demo'],
    {
      cwd: root,
      env: {
        ...process.env,
        GU_PUBLIC_KEY: PUBLIC_KEY,
        GU_SECRET_KEY: SECRET_KEY,
        GU_RETRAIN_HOURS: '0',
        GU_RATE_LIMIT: '0',
        GU_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const shop = {
    url,
    output: () => output,
    /** A JSON request with the secret key (or the key given). */
    async api(path, { method = 'GET', body, key = SECRET_KEY } = {}) {
      const response = await fetch(url + path, {
        method,
        headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
  for (const deadline = Date.now() + 20_000; ; await sleep(100)) {
    if (child.exitCode !== null) throw new Error(`gu start exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      await shop.stop();
      throw new Error(`gu start did not answer /healthz within 20 s:\n${output}`);
    }
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return shop;
  }
}

export function readFixture() {
  return JSON.parse(readFileSync(join(import.meta.dirname, 'shop-fixture.json'), 'utf8'));
}

/** The fixture's catalog and purchase history through the API, the newest basket an hour ago. */
export async function seedShop(shop, fixture = readFixture()) {
  await shop.api('/v1/items', { method: 'PUT', body: { items: fixture.items } });
  const newest = Date.now() - 3_600_000;
  const seen = new Map();
  const events = fixture.purchases.map(([userId, orderId, itemId, quantity, price, minutesAgo]) => {
    const key = `fx-${orderId}-${itemId}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return {
      eventId: n > 1 ? `${key}-${n}` : key,
      eventType: 'purchase',
      userId,
      orderId,
      itemId,
      quantity,
      price,
      timestamp: newest - minutesAgo * 60_000,
    };
  });
  for (const [sessionId, itemId, minutesAgo] of fixture.views ?? [])
    events.push({
      eventId: `fx-${sessionId}-${itemId}-${minutesAgo}`,
      eventType: 'view',
      sessionId,
      itemId,
      timestamp: newest - minutesAgo * 60_000,
    });
  for (let i = 0; i < events.length; i += 500)
    await shop.api('/v1/events', { method: 'POST', body: events.slice(i, i + 500) });
  return { items: fixture.items.length, events: events.length };
}

/** Trains every recipe, promoting each version, and waits for the job to succeed. */
export async function trainShop(shop, timeoutMs = 30_000) {
  const job = await shop.api('/v1/admin/training', { method: 'POST', body: { promote: 'always' } });
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(200)) {
    const now = await shop.api(`/v1/admin/training/${job.id}`);
    if (now.status === 'succeeded') return now;
    if (now.status === 'failed') throw new Error(`training failed: ${JSON.stringify(now.error)}`);
  }
  throw new Error(`training did not finish within ${timeoutMs} ms`);
}
