import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from './config.js';
import { createServer } from './server.js';
import { injectPublicKey, webPlugin } from './web.js';

const PUBLIC = 'pk_web_public';
const SECRET = 'sk_web_secret';

async function open(dir: string | undefined): Promise<FastifyInstance> {
  const config = loadConfig(
    {
      store: 'memory:',
      publicKey: PUBLIC,
      secretKey: SECRET,
      secret: 'test-secret',
      retrainHours: 0,
      rateLimitPerMinute: 5,
      logLevel: 'silent',
    },
    {},
  );
  const { app } = await createServer(config, [webPlugin({ dir, publicKey: PUBLIC })]);
  return app;
}

/** A built web app as Vite lays it out. */
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gu-web-'));
  mkdirSync(join(dir, 'assets'));
  mkdirSync(join(dir, 'admin'));
  writeFileSync(
    join(dir, 'index.html'),
    '<html><head><title>shop</title></head><body><script src="/assets/shop-abc123.js"></script></body></html>',
  );
  writeFileSync(join(dir, 'admin', 'index.html'), '<html><head><title>admin</title></head></html>');
  writeFileSync(join(dir, 'assets', 'shop-abc123.js'), 'console.log("shop")');
  return dir;
}

describe('web: the storefront and the dashboard', () => {
  let app: FastifyInstance;
  let dir: string;
  before(async () => {
    dir = fakeBuild();
    app = await open(dir);
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the storefront at / with the public key in a meta tag, revalidated on every load', async () => {
    const res = await app.inject({ url: '/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /text\/html/);
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.match(res.body, /<title>shop<\/title>/);
    assert.match(res.body, new RegExp(`<meta name="gu-public-key" content="${PUBLIC}" />\\s*</head>`));
    assert.doesNotMatch(res.body, new RegExp(SECRET));
  });

  it('answers client routes with their app: the shop, or the dashboard under /admin (without the key)', async () => {
    for (const url of ['/p/12345', '/c/Grocery?page=2', '/cart']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.body, /<title>shop<\/title>/, url);
    }
    for (const url of ['/admin', '/admin/', '/admin/models']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.body, /<title>admin<\/title>/, url);
      assert.doesNotMatch(res.body, /gu-public-key/, url);
    }
  });

  it('caches hashed assets for a year', async () => {
    const res = await app.inject({ url: '/assets/shop-abc123.js' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, 'console.log("shop")');
    assert.match(res.headers['cache-control'] as string, /max-age=31536000.*immutable/);
  });

  it('keeps API 404s coded JSON and gives no page for missing files', async () => {
    for (const url of ['/v1/nope', '/assets/gone-123.js', '/favicon.ico', '/docs/nope/deeper']) {
      const res = await app.inject({ url, headers: { 'x-api-key': SECRET } });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().error.code, 'NOT_FOUND', url);
    }
  });

  it('leaves the API as it was: keys still required', async () => {
    assert.equal((await app.inject({ url: '/v1/admin/models' })).statusCode, 401);
    assert.equal((await app.inject({ url: '/v1/popular' })).statusCode, 401);
  });

  it('tells any page the public key at /v1/config, without a key and without a rate limit', async () => {
    for (let i = 0; i < 8; i++) {
      const res = await app.inject({ url: '/v1/config' });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { publicKey: PUBLIC, currency: 'VND', locale: 'vi-VN' });
    }
    for (let i = 0; i < 8; i++) assert.equal((await app.inject({ url: '/p/1' })).statusCode, 200);
  });
});

describe('web: without a build', () => {
  it('still serves the API, and / says how to build', async () => {
    const app = await open(join(tmpdir(), 'gu-web-missing-build'));
    try {
      const res = await app.inject({ url: '/' });
      assert.equal(res.statusCode, 503);
      assert.match(res.body, /npm run build/);
      assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
      assert.equal((await app.inject({ url: '/v1/config' })).json().publicKey, PUBLIC);
    } finally {
      await app.close();
    }
  });
});

describe('injectPublicKey', () => {
  it('escapes the key', () => {
    assert.match(injectPublicKey('<head></head>', 'a"<b'), /content="a&#34;&#60;b"/);
  });
});
