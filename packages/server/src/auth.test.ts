import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { same } from './auth.js';

describe('same', () => {
  it('holds for equal secrets only', () => {
    assert.equal(same('sk_live_1234', 'sk_live_1234'), true);
    assert.equal(same('sk_live_1234', 'sk_live_1235'), false);
    assert.equal(same('xk_live_1234', 'sk_live_1234'), false);
    assert.equal(same('sk_live_123', 'sk_live_1234'), false);
    assert.equal(same('', ''), true);
    assert.equal(same('', 'a'), false);
  });

  it('compares characters beyond one byte', () => {
    assert.equal(same('khóa-bí-mật', 'khóa-bí-mật'), true);
    assert.equal(same('khóa-bí-mật', 'khoa-bi-mat'), false);
  });
});
