import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GuClient } from './client.js';
import { GuApiError } from './errors.js';
import { FakeFetch } from './testing/fakes.js';

const setup = (body: unknown = {}, baseUrl = 'https://gu.test/') => {
  const fetch = new FakeFetch(() => ({ status: 200, body }));
  return { fetch, client: new GuClient({ baseUrl, apiKey: 'pk_live', fetch: fetch.fetch }) };
};

describe('GuClient', () => {
  it('recommendations: query string with filterValues as JSON, the key in x-api-key', async () => {
    const answer = { recommendationId: 'r1', placement: 'pdp', items: [{ itemId: 'a', score: 1 }] };
    const { fetch, client } = setup(answer);
    const result = await client.recommendations({
      userId: 'u1',
      sessionId: 's1',
      itemId: 'sku/1',
      placement: 'pdp',
      n: 8,
      filter: 'under',
      filterValues: { maxPrice: 200000 },
      explain: true,
    });
    assert.deepEqual(result, answer);
    const [call] = fetch.calls;
    const url = new URL(call.url);
    assert.equal(url.origin + url.pathname, 'https://gu.test/v1/recommendations');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      userId: 'u1',
      sessionId: 's1',
      itemId: 'sku/1',
      placement: 'pdp',
      n: '8',
      filter: 'under',
      filterValues: '{"maxPrice":200000}',
      explain: 'true',
    });
    assert.equal(call.method, 'GET');
    assert.equal(call.headers['x-api-key'], 'pk_live');
    assert.equal(call.headers['content-type'], undefined);
  });

  it('itemsByIds: one request per 100 distinct ids, the ids comma-separated, items in order', async () => {
    const fetch = new FakeFetch((call) => {
      const ids = new URL(call.url, 'https://gu.test').searchParams.get('ids')!.split(',');
      return { status: 200, body: { total: ids.length, items: ids.map((itemId) => ({ itemId })) } };
    });
    const client = new GuClient({ apiKey: 'pk', fetch: fetch.fetch });
    const ids = Array.from({ length: 150 }, (_, i) => `i${i}`);
    const items = await client.itemsByIds([...ids, 'i0', 'i1']);
    assert.deepEqual(
      items.map((i) => i.itemId),
      ids,
    );
    assert.equal(fetch.calls.length, 2);
    assert.ok(fetch.calls[0].url.startsWith('/v1/items?ids=i0%2Ci1%2C'));
  });

  it('leaves out parameters not given', async () => {
    const { fetch, client } = setup({ items: [] }, '');
    await client.recommendations({ placement: 'home' });
    assert.equal(fetch.calls[0].url, '/v1/recommendations?placement=home');
  });

  it('related items, popular, trending: unwraps { items }, escapes ids', async () => {
    const items = [{ itemId: 'b', score: 0.5, reason: { type: 'viewed', itemId: 'a' } }];
    const { fetch, client } = setup({ items });
    assert.deepEqual(await client.similar('a/b c', 4), items);
    assert.deepEqual(await client.boughtTogether('x'), items);
    assert.deepEqual(await client.popular(5, 'Thời trang'), items);
    assert.deepEqual(await client.trending(3), items);
    assert.deepEqual(
      fetch.calls.map((c) => c.url),
      [
        'https://gu.test/v1/items/a%2Fb%20c/similar?n=4',
        'https://gu.test/v1/items/x/bought-together',
        'https://gu.test/v1/popular?n=5&category=Th%E1%BB%9Di+trang',
        'https://gu.test/v1/trending?n=3',
      ],
    );
  });

  it('rank: POST with a JSON body', async () => {
    const { fetch, client } = setup({ items: [{ itemId: 'b', score: 2 }] });
    assert.deepEqual(await client.rank({ sessionId: 's1', itemIds: ['a', 'b'] }), [
      { itemId: 'b', score: 2 },
    ]);
    const [call] = fetch.calls;
    assert.equal(call.method, 'POST');
    assert.equal(call.url, 'https://gu.test/v1/rank');
    assert.equal(call.headers['content-type'], 'application/json');
    assert.deepEqual(call.body, { sessionId: 's1', itemIds: ['a', 'b'] });
  });

  it('catalog: items, item, categories', async () => {
    const { fetch, client } = setup({
      total: 0,
      items: [],
      categories: [{ name: 'A', count: 1, children: [] }],
    });
    await client.items({ category: 'Giày', q: 'nike', offset: 24, limit: 24 });
    await client.items();
    await client.item('sku-1');
    assert.deepEqual(await client.categories(), [{ name: 'A', count: 1, children: [] }]);
    assert.deepEqual(
      fetch.calls.map((c) => c.url),
      [
        'https://gu.test/v1/items?category=Gi%C3%A0y&q=nike&offset=24&limit=24',
        'https://gu.test/v1/items',
        'https://gu.test/v1/items/sku-1',
        'https://gu.test/v1/categories',
      ],
    );
  });

  it('sendEvents: POST /v1/events with the array', async () => {
    const { fetch, client } = setup({ accepted: 1, duplicates: 0, rejected: [] });
    const event = { eventId: '01J', eventType: 'view' as const, sessionId: 's', itemId: 'a', timestamp: 1 };
    assert.deepEqual(await client.sendEvents([event]), { accepted: 1, duplicates: 0, rejected: [] });
    assert.deepEqual(fetch.calls[0].body, [event]);
    assert.equal(fetch.calls[0].url, 'https://gu.test/v1/events');
  });

  it('admin calls: paths, methods and bodies', async () => {
    const { fetch, client } = setup({ id: 'job-1', status: 'running', jobs: [], filters: [] });
    await client.kpis(15);
    await client.models();
    await client.promote('similar-items-20250115-1');
    await client.rollback('trending');
    await client.dataQuality();
    await client.status();
    await client.train(['popular']);
    await client.train();
    await client.trainingJob('job-1');
    await client.putFilter('cheap', { include: [{ field: 'price', op: 'lte', value: '$max' }] });
    await client.deleteUser('u 1');
    assert.deepEqual(
      fetch.calls.map((c) => [c.method, c.url.replace('https://gu.test', ''), c.body]),
      [
        ['GET', '/v1/admin/kpis?window=15', undefined],
        ['GET', '/v1/admin/models', undefined],
        ['POST', '/v1/admin/models/similar-items-20250115-1/promote', undefined],
        ['POST', '/v1/admin/recipes/trending/rollback', undefined],
        ['GET', '/v1/admin/data-quality', undefined],
        ['GET', '/v1/admin/status', undefined],
        ['POST', '/v1/admin/training', { recipes: ['popular'] }],
        ['POST', '/v1/admin/training', {}],
        ['GET', '/v1/admin/training/job-1', undefined],
        ['PUT', '/v1/admin/filters/cheap', { include: [{ field: 'price', op: 'lte', value: '$max' }] }],
        ['DELETE', '/v1/users/u%201', undefined],
      ],
    );
    // A POST without a body says nothing of JSON (Fastify refuses an empty JSON body).
    assert.equal(fetch.calls[2].headers['content-type'], undefined);
  });

  it('throws GuApiError with the status, code, message and details of the error body', async () => {
    const fetch = new FakeFetch().answer({
      status: 404,
      body: { error: { code: 'UNKNOWN_ITEM', message: 'no item x', details: { itemId: 'x' } } },
    });
    const client = new GuClient({ apiKey: 'k', fetch: fetch.fetch });
    await assert.rejects(client.item('x'), (e: unknown) => {
      assert.ok(e instanceof GuApiError);
      assert.equal(e.status, 404);
      assert.equal(e.code, 'UNKNOWN_ITEM');
      assert.equal(e.message, 'no item x');
      assert.deepEqual(e.details, { itemId: 'x' });
      assert.equal(e.retryable, false);
      return true;
    });
  });

  it('a non-JSON error is HTTP_ERROR; a network failure is status 0 NETWORK_ERROR', async () => {
    const fetch = new FakeFetch().answer({ status: 502 }, new TypeError('Failed to fetch'));
    const client = new GuClient({ apiKey: 'k', fetch: fetch.fetch });
    await assert.rejects(client.status(), { name: 'GuApiError', status: 502, code: 'HTTP_ERROR' });
    await assert.rejects(client.status(), (e: unknown) => {
      assert.ok(e instanceof GuApiError);
      assert.equal(e.status, 0);
      assert.equal(e.code, 'NETWORK_ERROR');
      assert.equal(e.retryable, true);
      return true;
    });
  });

  it('resolves undefined for 204 answers', async () => {
    const fetch = new FakeFetch().answer({ status: 204 });
    const client = new GuClient({ apiKey: 'k', fetch: fetch.fetch });
    assert.equal(await client.deleteFilter('cheap'), undefined);
    assert.equal(fetch.calls[0].method, 'DELETE');
  });
});
