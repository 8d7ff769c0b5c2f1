import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createIdGenerator, ulid, ulidTime } from './ids.js';

const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('ids', () => {
  it('10,000 ids are unique and strictly increasing, in the ULID alphabet', () => {
    const ids = Array.from({ length: 10_000 }, () => ulid());
    assert.equal(new Set(ids).size, ids.length);
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1] < ids[i], `${ids[i - 1]} < ${ids[i]}`);
    assert.ok(ids.every((id) => CROCKFORD.test(id)));
  });

  it('stay ordered within one millisecond and when the clock steps back', () => {
    let time = 1_700_000_000_000;
    const next = createIdGenerator(() => time);
    const ids: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      if (i === 5000) time -= 60_000; // NTP correction
      if (i === 7000) time += 120_000;
      ids.push(next());
    }
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1] < ids[i]);
    assert.equal(ulidTime(ids[0]), 1_700_000_000_000);
    assert.equal(ulidTime(ids[9999]), 1_700_000_060_000);
  });

  it('encode the time first, so that ids sort by time', () => {
    const at = (t: number) => createIdGenerator(() => t)();
    assert.ok(at(1000) < at(1001));
    assert.ok(at(1_700_000_000_000) < at(1_800_000_000_000));
    assert.equal(ulidTime(at(1_736_899_200_123)), 1_736_899_200_123);
    assert.equal(at(0).slice(0, 10), '0000000000');
  });

  it('draw 80 random bits from crypto.getRandomValues', () => {
    let calls = 0;
    const next = createIdGenerator(
      () => 5,
      (bytes) => {
        calls++;
        return bytes.fill(0xff);
      },
    );
    assert.equal(next(), '0000000005ZZZZZZZZZZZZZZZZ');
    // The random part overflows: the id borrows the next millisecond.
    assert.equal(next().slice(0, 10), '0000000006');
    assert.equal(calls, 2);
  });
});
