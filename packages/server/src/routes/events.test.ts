import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Gu, LoggedEvent } from '@gu/core';
import { appOver, TEST_KEYS } from '../testing/memory-app.js';
import type { WsClient } from '../testing/ws-client.js';

const { publicKey: PUBLIC, secretKey: SECRET } = TEST_KEYS;

type Reply = { id?: string; accepted?: number; error?: { code: string; message: string } };

/** The app over memory stores with the given rate limit; `use` runs with it, and both are closed after. */
async function withApp(rateLimitPerMinute: number, use: (app: FastifyInstance, gu: Gu) => Promise<void>) {
  const { gu, app } = await appOver({ rateLimitPerMinute, logLevel: 'silent' });
  try {
    await app.ready();
    await use(app, gu);
  } finally {
    await app.close();
    await gu.close();
  }
}

/** A connection made without a network; `terminate` drops it (over injectWS, close() waits 30 s for an end). */
const connect = (app: FastifyInstance, key: string) =>
  app.injectWS('/v1/events/stream', { headers: { 'x-api-key': key } }) as Promise<
    WsClient & { terminate(): void }
  >;

/** Sends the messages at once and collects a reply to each, by id. */
function exchange(socket: WsClient, messages: { id: string }[]): Promise<Map<string, Reply>> {
  return new Promise((resolve) => {
    const replies = new Map<string, Reply>();
    socket.on('message', (data) => {
      const reply = JSON.parse(data.toString('utf8')) as Reply;
      replies.set(reply.id!, reply);
      if (replies.size === messages.length) resolve(replies);
    });
    for (const message of messages) socket.send(JSON.stringify(message));
  });
}

/** `count` messages of one view each, `b0`, `b1`, … */
const batches = (count: number, from = 0) =>
  Array.from({ length: count }, (_, k) => ({
    id: `b${from + k}`,
    events: [
      { eventId: `e${from + k}`, eventType: 'view', userId: 'u1', itemId: 'i1', timestamp: Date.now() },
    ],
  }));

async function loggedIds(gu: Gu): Promise<string[]> {
  const events: LoggedEvent[] = await gu.stores.log.read(0, 1000);
  return events.map((e) => e.eventId).sort();
}

describe('the event stream', () => {
  it('throttles messages on a connection at the HTTP rate, keeping it open and what it accepted', async () => {
    await withApp(3, async (app, gu) => {
      const socket = await connect(app, PUBLIC);
      const replies = await exchange(socket, batches(5));
      for (const id of ['b0', 'b1', 'b2']) assert.equal(replies.get(id)?.accepted, 1, `${id} is accepted`);
      for (const id of ['b3', 'b4']) {
        const error = replies.get(id)?.error;
        assert.equal(error?.code, 'RATE_LIMITED', `${id} is refused: ${JSON.stringify(replies.get(id))}`);
        assert.match(error.message, /3 messages per minute; retry in \d+ s/);
      }
      assert.equal(socket.readyState, 1, 'the connection stays open');
      assert.deepEqual(
        await loggedIds(gu),
        ['e0', 'e1', 'e2'],
        'the accepted events are appended, the refused ones are not',
      );
      // The client's other connections share its bucket: more sockets buy no more messages.
      const other = await connect(app, PUBLIC);
      assert.equal((await exchange(other, batches(1, 10))).get('b10')?.error?.code, 'RATE_LIMITED');
      socket.terminate();
      other.terminate();
    });
  });

  it('never throttles the secret key, nor anyone when the rate limit is 0', async () => {
    for (const [limit, key] of [
      [3, SECRET],
      [0, PUBLIC],
    ] as const)
      await withApp(limit, async (app) => {
        const socket = await connect(app, key);
        const replies = await exchange(socket, batches(10));
        assert.ok(
          [...replies.values()].every((r) => r.accepted === 1),
          `limit ${limit}: ${JSON.stringify([...replies.values()])}`,
        );
        socket.terminate();
      });
  });
});
