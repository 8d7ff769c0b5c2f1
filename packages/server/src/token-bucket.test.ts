import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it, mock } from 'node:test';
import { ClientBuckets, TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('lets a burst of its capacity through, then one take per 60,000 / rate ms', () => {
    let now = 0;
    const bucket = new TokenBucket(6, () => now);
    for (let k = 0; k < 6; k++) assert.equal(bucket.take(), 0, `take ${k + 1}`);
    assert.equal(bucket.take(), 10_000, 'a token comes back every 10 s');
    now = 4_000;
    assert.equal(bucket.take(), 6_000, 'a refused take spends nothing');
    now = 10_000;
    assert.equal(bucket.take(), 0);
    assert.equal(bucket.take(), 10_000);
  });

  it('refills up to its capacity, no further', () => {
    let now = 0;
    const bucket = new TokenBucket(3, () => now);
    for (let k = 0; k < 3; k++) bucket.take();
    now = 3_600_000;
    for (let k = 0; k < 3; k++) assert.equal(bucket.take(), 0, `take ${k + 1} after an hour`);
    assert.ok(bucket.take() > 0, 'an hour of rest is worth the capacity only');
  });
});

describe('ClientBuckets', () => {
  it('shares a bucket among a client’s connections and keeps it a minute after the last closes', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const buckets = new ClientBuckets(5);
      const a1 = new EventEmitter();
      const a2 = new EventEmitter();
      const first = buckets.open('10.0.0.1', a1);
      assert.equal(buckets.open('10.0.0.1', a2), first);
      assert.notEqual(buckets.open('10.0.0.2', new EventEmitter()), first, 'another client, another bucket');
      a1.emit('close');
      a2.emit('close');
      mock.timers.tick(59_999);
      assert.equal(buckets.open('10.0.0.1', new EventEmitter()), first, 'reconnecting does not refill it');
      assert.equal(buckets.size, 2);
    } finally {
      mock.timers.reset();
    }
  });

  it('forgets a client a minute after its last connection closed', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const buckets = new ClientBuckets(5);
      const socket = new EventEmitter();
      const first = buckets.open('10.0.0.1', socket);
      socket.emit('close');
      mock.timers.tick(60_000);
      assert.equal(buckets.size, 0);
      assert.notEqual(buckets.open('10.0.0.1', new EventEmitter()), first);
    } finally {
      mock.timers.reset();
    }
  });
});
