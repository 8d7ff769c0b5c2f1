import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { dataDirOf, loadConfig } from './config.js';
import { startServer } from './server.js';
import { openStores } from './stores.js';

const temp = () => mkdtempSync(join(tmpdir(), 'gu-config-'));

describe('loadConfig', () => {
  it('takes keys and settings from the environment, and overrides over both', () => {
    const config = loadConfig(
      { port: 9999 },
      {
        GU_STORE: 'memory:',
        GU_PUBLIC_KEY: 'pk_env',
        GU_SECRET_KEY: 'sk_env',
        GU_SECRET: 'env-secret',
        GU_PORT: '1234',
        GU_RATE_LIMIT: '0',
        GU_RETRAIN_HOURS: '12',
        GU_DEADLINE_MS: '20',
      },
    );
    assert.equal(config.store, 'memory:');
    assert.equal(config.publicKey, 'pk_env');
    assert.equal(config.secretKey, 'sk_env');
    assert.equal(config.secret, 'env-secret');
    assert.equal(config.port, 9999);
    assert.equal(config.rateLimitPerMinute, 0);
    assert.equal(config.retrainHours, 12);
    assert.equal(config.deadlineMs, 20);
    assert.equal(config.host, '127.0.0.1');
  });

  it('generates keys on the first run and keeps them in the data directory for later runs', () => {
    const dir = temp();
    try {
      const first = loadConfig({ store: `sqlite:${dir}` }, {});
      assert.match(first.publicKey, /^pk_/);
      assert.match(first.secretKey, /^sk_/);
      assert.notEqual(first.publicKey, first.secretKey);
      const file = join(dir, 'keys.json');
      assert.equal(statSync(file).mode & 0o777, 0o600, 'keys.json is readable by its owner only');
      assert.equal(JSON.parse(readFileSync(file, 'utf8')).secretKey, first.secretKey);
      const second = loadConfig({ store: `sqlite:${dir}` }, {});
      assert.deepEqual(
        [second.publicKey, second.secretKey, second.secret],
        [first.publicKey, first.secretKey, first.secret],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps nothing for memory stores', () => {
    const a = loadConfig({ store: 'memory:' }, {});
    const b = loadConfig({ store: 'memory:' }, {});
    assert.notEqual(a.secretKey, b.secretKey);
  });

  it('refuses a setting that is not a number', () => {
    assert.throws(() => loadConfig({ store: 'memory:' }, { GU_PORT: 'eighty' }), /eighty/);
  });
});

describe('store URLs', () => {
  it('maps sqlite: URLs and plain paths to directories', () => {
    assert.equal(dataDirOf('memory:'), undefined);
    assert.equal(dataDirOf('sqlite:/var/gu'), '/var/gu');
    assert.equal(dataDirOf('sqlite:///var/gu'), '/var/gu');
    assert.equal(dataDirOf('sqlite:./data'), resolve('data'));
    assert.equal(dataDirOf('./data'), resolve('data'));
  });

  it('refuses schemes it does not know instead of making a directory of them', () => {
    for (const url of ['postgres://localhost/gu', 's3://bucket/gu', 'dynamodb:eu-west-1'])
      assert.throws(() => openStores(url, 'secret'), /unknown store URL/);
    assert.throws(() => loadConfig({ store: 'postgres://localhost/gu' }, {}), /unknown store URL/);
  });

  it('opens memory stores', async () => {
    const stores = openStores('memory:', 'secret');
    assert.equal(await stores.log.last(), 0);
  });
});

describe('startServer', () => {
  it('fails on a busy port, leaving nothing open', async () => {
    const base = { store: 'memory:', host: '127.0.0.1', retrainHours: 0, logLevel: 'silent' };
    const first = await startServer(loadConfig({ ...base, port: 0 }, {}));
    try {
      const port = Number(new URL(first.url).port);
      await assert.rejects(startServer(loadConfig({ ...base, port }, {})), /EADDRINUSE/);
    } finally {
      await first.close();
    }
  });

  // Without closing connections as they go idle, close() waits out the keep-alive timeout (72 s): a timeout.
  it(
    'closes a keep-alive connection that was answering when closing began, once it answered',
    { timeout: 20_000 },
    async () => {
      let arrived!: () => void;
      const inFlight = new Promise<void>((resolve) => (arrived = resolve));
      const slow = async (app: FastifyInstance) => {
        app.get('/slow', { config: { access: 'open' } }, async () => {
          arrived();
          await new Promise((resolve) => setTimeout(resolve, 300));
          return { ok: true };
        });
      };
      const base = { store: 'memory:', host: '127.0.0.1', retrainHours: 0, logLevel: 'silent' };
      const server = await startServer(loadConfig({ ...base, port: 0 }, {}), [slow]);
      const agent = new http.Agent({ keepAlive: true });
      try {
        const answered = new Promise<number>((resolve, reject) =>
          http
            .get(`${server.url}/slow`, { agent }, (res) =>
              res.resume().on('end', () => resolve(res.statusCode!)),
            )
            .on('error', reject),
        );
        await inFlight;
        await server.close();
        assert.equal(await answered, 200);
      } finally {
        agent.destroy();
      }
    },
  );
});
