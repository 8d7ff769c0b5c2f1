import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { replyBatcher } from './reply-batching.js';

/** A server whose log says when each request was handled and when its reply went out. */
async function server(batched: boolean) {
  const log: string[] = [];
  const app = Fastify();
  if (batched) app.addHook('onSend', replyBatcher());
  app.addHook('onResponse', (request, _reply, done) => {
    log.push(`sent ${(request.query as { k: string }).k}`);
    done();
  });
  app.get<{ Querystring: { k: string } }>('/', (request) => {
    log.push(`handled ${request.query.k}`);
    return { k: request.query.k };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, log, port: (app.server.address() as net.AddressInfo).port };
}

/**
 * Two connections, both accepted by the server, whose requests are written in one turn: the server finds
 * them readable in one turn too.
 */
async function twoAtOnce(app: FastifyInstance, port: number): Promise<string[]> {
  let accepted = 0;
  let counting = () => {};
  const bothAccepted = new Promise<void>((resolve) => {
    counting = () => void (++accepted === 2 && resolve());
    app.server.on('connection', counting);
  });
  const sockets = [net.connect(port, '127.0.0.1'), net.connect(port, '127.0.0.1')];
  await bothAccepted;
  app.server.off('connection', counting);
  const answers = sockets.map(async (s) => {
    let text = '';
    for await (const chunk of s) {
      text += chunk;
      if (text.includes('}')) break;
    }
    return text.slice(text.indexOf('\r\n\r\n') + 4);
  });
  sockets.forEach((s, k) => s.write(`GET /?k=${k} HTTP/1.1\r\nhost: x\r\n\r\n`));
  const bodies = await Promise.all(answers);
  sockets.forEach((s) => s.destroy());
  return bodies;
}

describe('replyBatcher', () => {
  it('writes the replies of one turn after all its requests were handled, each with its own body', async () => {
    const { app, log, port } = await server(true);
    try {
      assert.deepEqual(await twoAtOnce(app, port), ['{"k":"0"}', '{"k":"1"}']);
      assert.deepEqual(log, ['handled 0', 'handled 1', 'sent 0', 'sent 1']);
      // The next turn is a batch of its own.
      log.length = 0;
      assert.deepEqual(await twoAtOnce(app, port), ['{"k":"0"}', '{"k":"1"}']);
      assert.deepEqual(log, ['handled 0', 'handled 1', 'sent 0', 'sent 1']);
    } finally {
      await app.close();
    }
  });

  it('is what changes the order: without it each reply goes out before the next request is handled', async () => {
    const { app, log, port } = await server(false);
    try {
      await twoAtOnce(app, port);
      assert.deepEqual(log, ['handled 0', 'sent 0', 'handled 1', 'sent 1']);
    } finally {
      await app.close();
    }
  });

  it('passes errors through with their status', async () => {
    const app = Fastify();
    app.addHook('onSend', replyBatcher());
    app.get('/fail', () => {
      throw Object.assign(new Error('no such thing'), { statusCode: 404 });
    });
    const reply = await app.inject('/fail');
    assert.equal(reply.statusCode, 404);
    assert.match(reply.body, /no such thing/);
  });
});
