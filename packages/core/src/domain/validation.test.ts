import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { EVENT_TYPES, ITEM_EVENTS, type ShopEvent } from './events.js';
import {
  MAX_EVENTS_PER_BATCH,
  validateBatch,
  validateEvent,
  validateItem,
  validateUser,
  type FieldError,
  type Validated,
} from './validation.js';

const NOW = Date.UTC(2026, 0, 5, 12);
const HOUR = 3_600_000;

const view = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  eventId: 'e1',
  eventType: 'view',
  userId: 'u1',
  itemId: 'i1',
  timestamp: NOW - HOUR,
  ...over,
});

const ok = <T>(v: Validated<T>): T => {
  assert.ok(v.ok, `expected valid, got ${JSON.stringify(!v.ok && v.errors)}`);
  return v.value;
};
const errors = <T>(v: Validated<T>): FieldError[] => {
  assert.ok(!v.ok, 'expected a rejection');
  return v.errors;
};
const paths = <T>(v: Validated<T>): string[] => errors(v).map((e) => e.path);
const without = (o: Record<string, unknown>, key: string) => {
  const copy = { ...o };
  delete copy[key];
  return copy;
};

describe('validateEvent', () => {
  test('accepts a minimal item event, stamping receivedAt and keeping the client time', () => {
    const e: ShopEvent = ok(validateEvent(view(), NOW));
    assert.deepEqual(e, {
      eventId: 'e1',
      eventType: 'view',
      userId: 'u1',
      itemId: 'i1',
      timestamp: NOW - HOUR,
      receivedAt: NOW,
    });
  });

  test('accepts every event type with the fields it needs', () => {
    for (const eventType of EVENT_TYPES) {
      const input = view({ eventType, ...(eventType === 'search' ? { query: 'red shoes' } : {}) });
      if (!ITEM_EVENTS.has(eventType) && eventType !== 'search') delete input.itemId;
      assert.equal(ok(validateEvent(input, NOW)).eventType, eventType);
    }
  });

  test('accepts every optional field', () => {
    const e = ok(
      validateEvent(
        view({
          eventType: 'purchase',
          sessionId: 's1',
          quantity: 2,
          price: 199_000,
          orderId: 'o1',
          recommendationId: 'r1',
          context: { device: 'mobile', page: '/p/i1', locale: 'vi-VN' },
        }),
        NOW,
      ),
    );
    assert.equal(e.quantity, 2);
    assert.equal(e.price, 199_000);
    assert.deepEqual(e.context, { device: 'mobile', page: '/p/i1', locale: 'vi-VN' });
  });

  for (const field of ['eventId', 'eventType', 'timestamp']) {
    test(`requires ${field}`, () => {
      assert.deepEqual(paths(validateEvent(without(view(), field), NOW)), [field]);
    });
  }

  test('rejects an unknown event type', () => {
    assert.deepEqual(paths(validateEvent(view({ eventType: 'like' }), NOW)), ['eventType']);
  });

  test('rejects empty, blank and over-long ids', () => {
    assert.deepEqual(paths(validateEvent(view({ eventId: '' }), NOW)), ['eventId']);
    // A blank userId is empty once trimmed (and then there is no shopper either).
    assert.deepEqual(new Set(paths(validateEvent(view({ userId: '   ' }), NOW))), new Set(['userId']));
    assert.deepEqual(paths(validateEvent(view({ itemId: 'x'.repeat(257) }), NOW)), ['itemId']);
    assert.equal(ok(validateEvent(view({ itemId: 'x'.repeat(256) }), NOW)).itemId?.length, 256);
  });

  test('trims ids', () => {
    assert.equal(ok(validateEvent(view({ userId: ' u1 ' }), NOW)).userId, 'u1');
  });

  test('needs a userId or a sessionId, either one is enough', () => {
    const anonymous = without(view(), 'userId');
    const errs = errors(validateEvent(anonymous, NOW));
    assert.deepEqual(errs, [{ path: 'userId', message: 'userId or sessionId is required' }]);
    assert.equal(ok(validateEvent({ ...anonymous, sessionId: 's1' }, NOW)).sessionId, 's1');
    const both = ok(validateEvent(view({ sessionId: 's1' }), NOW));
    assert.equal(both.userId, 'u1');
    assert.equal(both.sessionId, 's1');
  });

  test('item events need itemId; other events do not', () => {
    for (const eventType of ITEM_EVENTS) {
      const errs = errors(validateEvent(without(view({ eventType }), 'itemId'), NOW));
      assert.deepEqual(errs, [{ path: 'itemId', message: `is required for ${eventType} events` }]);
    }
    assert.ok(validateEvent(without(view({ eventType: 'recommendation_impression' }), 'itemId'), NOW).ok);
  });

  test('search events need a non-empty query', () => {
    const search = without(view({ eventType: 'search' }), 'itemId');
    assert.deepEqual(errors(validateEvent(search, NOW)), [
      { path: 'query', message: 'is required for search events' },
    ]);
    assert.deepEqual(paths(validateEvent({ ...search, query: '' }, NOW)), ['query']);
    assert.equal(ok(validateEvent({ ...search, query: 'áo dài' }, NOW)).query, 'áo dài');
    assert.deepEqual(paths(validateEvent({ ...search, query: 'q'.repeat(1001) }, NOW)), ['query']);
  });

  test('reports every problem of an event at once', () => {
    const p = paths(validateEvent({ eventId: 'e1', eventType: 'view', timestamp: NOW }, NOW));
    assert.deepEqual(p.sort(), ['itemId', 'userId']);
  });

  test('rejects unknown fields, at the top and in context', () => {
    const top = errors(validateEvent(view({ colour: 'red' }), NOW));
    assert.equal(top.length, 1);
    assert.match(top[0].message, /colour/);
    assert.deepEqual(paths(validateEvent(view({ context: { device: 'mobile', os: 'ios' } }), NOW)), [
      'context',
    ]);
    // Fields the server sets are not the client's to send.
    assert.ok(!validateEvent(view({ receivedAt: NOW }), NOW).ok);
    assert.ok(!validateEvent(view({ offset: 3 }), NOW).ok);
  });

  test('checks the types and ranges of optional fields', () => {
    assert.deepEqual(paths(validateEvent(view({ quantity: 0 }), NOW)), ['quantity']);
    assert.deepEqual(paths(validateEvent(view({ quantity: 1.5 }), NOW)), ['quantity']);
    assert.deepEqual(paths(validateEvent(view({ price: -1 }), NOW)), ['price']);
    assert.deepEqual(paths(validateEvent(view({ price: '10' }), NOW)), ['price']);
    assert.deepEqual(errors(validateEvent(view({ price: 1e160 }), NOW)), [
      { path: 'price', message: 'must be at most 1000000000000 (10^12)' },
    ]);
    assert.ok(validateEvent(view({ price: 1e12 }), NOW).ok);
    assert.deepEqual(paths(validateEvent(view({ context: { locale: 'x'.repeat(36) } }), NOW)), [
      'context.locale',
    ]);
  });

  test('takes timestamps as epoch milliseconds or ISO-8601', () => {
    const at = Date.UTC(2026, 0, 4, 8, 30);
    assert.equal(ok(validateEvent(view({ timestamp: at }), NOW)).timestamp, at);
    assert.equal(ok(validateEvent(view({ timestamp: '2026-01-04T08:30:00Z' }), NOW)).timestamp, at);
    assert.equal(ok(validateEvent(view({ timestamp: '2026-01-04T08:30:00.000Z' }), NOW)).timestamp, at);
    assert.equal(ok(validateEvent(view({ timestamp: '2026-01-04T15:30:00+07:00' }), NOW)).timestamp, at);
    assert.equal(ok(validateEvent(view({ timestamp: '2026-01-04' }), NOW)).timestamp, Date.UTC(2026, 0, 4));
  });

  test('reads an ISO date-time without offset as UTC, whatever the server time zone', () => {
    const tz = process.env.TZ;
    try {
      for (const zone of ['UTC', 'Asia/Ho_Chi_Minh', 'America/New_York']) {
        process.env.TZ = zone;
        const e = ok(validateEvent(view({ timestamp: '2026-01-04T08:30:00' }), NOW));
        assert.equal(e.timestamp, Date.UTC(2026, 0, 4, 8, 30), zone);
        assert.equal(ok(validateEvent(view({ timestamp: '2026-01-04T08:30' }), NOW)).timestamp, e.timestamp);
      }
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  test('rejects malformed timestamps', () => {
    for (const timestamp of ['yesterday', '04/01/2026', '', -5, 0, 1.5, null, true])
      assert.deepEqual(paths(validateEvent(view({ timestamp }), NOW)), ['timestamp'], String(timestamp));
  });

  test('rejects timestamps before 2000, and says so when they look like epoch seconds', () => {
    const seconds = Math.floor(NOW / 1000);
    assert.deepEqual(errors(validateEvent(view({ timestamp: seconds }), NOW)), [
      {
        path: 'timestamp',
        message: `looks like seconds since the epoch (${new Date(seconds * 1000).toISOString()}); send milliseconds`,
      },
    ]);
    for (const timestamp of [Date.UTC(1999, 11, 31, 23, 59), '1999-12-31', 5])
      assert.deepEqual(errors(validateEvent(view({ timestamp }), NOW)), [
        { path: 'timestamp', message: 'is before 2000-01-01' },
      ]);
    assert.ok(validateEvent(view({ timestamp: Date.UTC(2000, 0, 1) }), NOW).ok);
  });

  test('rejects timestamps more than a day in the future, accepts clock skew below that', () => {
    assert.ok(validateEvent(view({ timestamp: NOW + 23 * HOUR }), NOW).ok);
    assert.ok(validateEvent(view({ timestamp: NOW + 24 * HOUR }), NOW).ok);
    assert.deepEqual(errors(validateEvent(view({ timestamp: NOW + 25 * HOUR }), NOW)), [
      { path: 'timestamp', message: 'is more than a day in the future' },
    ]);
    assert.ok(!validateEvent(view({ timestamp: new Date(NOW + 48 * HOUR).toISOString() }), NOW).ok);
  });

  test('rejects what is not an object', () => {
    for (const input of [null, undefined, 42, 'view', [view()]])
      assert.deepEqual(paths(validateEvent(input, NOW)), ['(root)'], JSON.stringify(input));
  });
});

describe('validateBatch', () => {
  test('splits a batch into valid events and rejections with their index and id', () => {
    const batch = [
      view({ eventId: 'a' }),
      view({ eventId: 'b', userId: undefined }),
      42,
      view({ eventId: 'c', itemId: undefined }),
      view({ eventId: 'd' }),
      { eventId: 7 },
      null,
    ];
    const { valid, rejected } = validateBatch(batch, (e) => validateEvent(e, NOW), 'eventId');
    assert.deepEqual(
      valid.map((e) => e.eventId),
      ['a', 'd'],
    );
    assert.deepEqual(
      rejected.map((r) => [r.index, r.id]),
      [
        [1, 'b'],
        [2, undefined],
        [3, 'c'],
        [5, undefined],
        [6, undefined],
      ],
    );
    assert.ok(!('id' in rejected[1]), 'no id key when the input has no string id');
    assert.deepEqual(rejected[0].errors, [{ path: 'userId', message: 'userId or sessionId is required' }]);
    assert.deepEqual(
      rejected[2].errors.map((e) => e.path),
      ['itemId'],
    );
  });

  test('an empty batch has nothing valid and nothing rejected', () => {
    assert.deepEqual(
      validateBatch([], (e) => validateEvent(e, NOW), 'eventId'),
      { valid: [], rejected: [] },
    );
  });

  test('the batch limit is 500 events', () => {
    assert.equal(MAX_EVENTS_PER_BATCH, 500);
  });
});

describe('validateItem', () => {
  test('fills the defaults: VND, available, empty title, categories and attributes, created now', () => {
    assert.deepEqual(ok(validateItem({ itemId: 'i1' }, NOW)), {
      itemId: 'i1',
      title: '',
      categories: [],
      price: 0,
      currency: 'VND',
      available: true,
      attributes: {},
      createdAt: NOW,
    });
  });

  test('keeps what is given and converts createdAt to epoch ms', () => {
    const item = ok(
      validateItem(
        {
          itemId: 'i1',
          title: 'Áo dài',
          categories: ['Fashion', 'Women'],
          price: 450_000,
          currency: 'USD',
          brand: 'Lụa',
          imageUrl: 'https://example.com/i1.jpg',
          createdAt: '2025-12-01T00:00:00Z',
          available: false,
          attributes: { color: 'red', size: 38, sale: true, tags: ['silk', 'summer'] },
        },
        NOW,
      ),
    );
    assert.equal(item.createdAt, Date.UTC(2025, 11, 1));
    assert.equal(item.currency, 'USD');
    assert.equal(item.available, false);
    assert.deepEqual(item.attributes, { color: 'red', size: 38, sale: true, tags: ['silk', 'summer'] });
    assert.equal(ok(validateItem({ itemId: 'i2', createdAt: 1_700_000_000_000 }, NOW)).createdAt, 1.7e12);
  });

  test('rejects bad fields and unknown ones', () => {
    assert.deepEqual(paths(validateItem({}, NOW)), ['itemId']);
    assert.deepEqual(paths(validateItem({ itemId: 'i1', price: -1 }, NOW)), ['price']);
    assert.deepEqual(paths(validateItem({ itemId: 'i1', price: 2e12 }, NOW)), ['price']);
    assert.deepEqual(paths(validateItem({ itemId: 'i1', currency: 'vnd' }, NOW)), ['currency']);
    assert.deepEqual(paths(validateItem({ itemId: 'i1', categories: 'Fashion' }, NOW)), ['categories']);
    assert.deepEqual(paths(validateItem({ itemId: 'i1', categories: [''] }, NOW)), ['categories.0']);
    assert.deepEqual(paths(validateItem({ itemId: 'i1', available: 'yes' }, NOW)), ['available']);
    assert.deepEqual(paths(validateItem({ itemId: 'i1', attributes: { a: { nested: 1 } } }, NOW)), [
      'attributes.a',
    ]);
    assert.equal(errors(validateItem({ itemId: 'i1', stock: 3 }, NOW)).length, 1);
  });
});

describe('validateUser', () => {
  test('fills the defaults', () => {
    assert.deepEqual(ok(validateUser({ userId: 'u1' }, NOW)), {
      userId: 'u1',
      attributes: {},
      createdAt: NOW,
    });
  });

  test('keeps attributes and personal data apart, checks the email', () => {
    const user = ok(
      validateUser(
        {
          userId: 'u1',
          createdAt: '2025-06-01',
          attributes: { segment: 'vip', locale: 'vi-VN' },
          personal: { email: 'lan@example.vn', name: 'Lan', phone: '+84 90 000 0000' },
        },
        NOW,
      ),
    );
    assert.equal(user.createdAt, Date.UTC(2025, 5, 1));
    assert.deepEqual(user.personal, { email: 'lan@example.vn', name: 'Lan', phone: '+84 90 000 0000' });
    assert.deepEqual(paths(validateUser({ userId: 'u1', personal: { email: 'not-an-email' } }, NOW)), [
      'personal.email',
    ]);
    assert.deepEqual(paths(validateUser({ userId: 'u1', personal: { address: 'Hà Nội' } }, NOW)), [
      'personal',
    ]);
    assert.deepEqual(paths(validateUser({ userId: 'u1', segment: 'vip' }, NOW)), ['(root)']);
  });
});

/**
 * How many hidden classes the values validated by `loop` (script text that calls `check(value)` for each)
 * have: V8's own count, in a process of its own (natives syntax is a flag of the process).
 */
function hiddenClasses(loop: string): number {
  const script = `
    const { validateEvent, validateItem } = await import(${JSON.stringify(new URL('./validation.js', import.meta.url).href)});
    const classes = [];
    const check = (value) => classes.some((c) => %HaveSameMap(c, value)) || classes.push(value);
    ${loop}
    console.log(classes.length);`;
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script]);
  return Number(out.toString());
}

test('validated items share one hidden class, so that a large catalog is not as many classes for the collector', () => {
  // A spread of the rest of a destructuring gave each item a class and descriptor array of its own.
  const classes = hiddenClasses(`
    for (let i = 0; i < 2000; i++)
      check(validateItem({ itemId: 'i' + i, title: 'Item ' + i, categories: ['c' + (i % 7)], price: i * 1000 }, 1).value);`);
  assert.equal(classes, 1);
});

test('validated events share one hidden class: a class made per event is old-space garbage at ingest rates', () => {
  // A spread of the parsed event into a new object made one per event (1,990 for 2,000 events).
  const classes = hiddenClasses(`
    for (let i = 0; i < 2000; i++) {
      const timestamp = i % 3 ? 1700000000000 + i : new Date(1700000000000 + i).toISOString();
      const event = { eventId: 'e' + i, eventType: i % 2 ? 'view' : 'purchase', userId: 'u' + i, itemId: 'i' + (i % 50), timestamp };
      check(validateEvent(event, 1800000000000).value);
    }`);
  assert.equal(classes, 1);
});
