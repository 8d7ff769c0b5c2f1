import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Gu } from '@gu/core';
import { appOver, TEST_KEYS } from '../testing/memory-app.js';
import { batches, shopEvents, shopItems, shoppers } from '../testing/shop.js';
import { waitFor } from '../testing/wait-for.js';

const { publicKey: PUBLIC, secretKey: SECRET } = TEST_KEYS;

const call = (
  app: FastifyInstance,
  method: string,
  url: string,
  body?: unknown,
  key: string | null = SECRET,
) =>
  app.inject({
    method: method as 'GET',
    url,
    headers: key === null ? {} : { 'x-api-key': key },
    ...(body === undefined ? {} : { payload: body as object }),
  });

const errorOf = (res: { json(): unknown }) =>
  (res.json() as { error: { code: string; message: string } }).error;

const DRAFT = {
  name: 'Recommended for you vs best sellers',
  placement: 'home',
  variants: [
    { name: 'bestsellers', recipe: 'popular' },
    { name: 'for-you', recipe: 'user-personalization' },
  ],
};

interface VariantFigures {
  name: string;
  shoppers: number;
  impressions: number;
  clicks: number;
  ctr: number | null;
}
interface ExperimentBody {
  id: string;
  status: string;
  startedAt: string;
  stoppedAt: string | null;
  minimumLift: number;
  results: { at: string; plan: { minimumLift: number }; variants: VariantFigures[] };
}

describe('/v1/admin/experiments', () => {
  let app: FastifyInstance;
  let gu: Gu;
  before(async () => {
    ({ app, gu } = await appOver({ rateLimitPerMinute: 0, logLevel: 'silent' }));
    await app.ready();
    await gu.putItems(shopItems());
    for (const batch of batches(shopEvents())) await gu.ingest(batch);
    await gu.processor.wake();
    await gu.train({ threads: 1, recipes: ['popular', 'user-personalization'] });
  });
  after(async () => {
    await app.close();
    await gu.close();
  });

  it('needs the secret key', async () => {
    assert.equal((await call(app, 'GET', '/v1/admin/experiments', undefined, null)).statusCode, 401);
    assert.equal((await call(app, 'POST', '/v1/admin/experiments', DRAFT, PUBLIC)).statusCode, 403);
  });

  it('refuses a bad draft with a message naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [[DRAFT], /the body is an object/],
      [{ ...DRAFT, variants: DRAFT.variants.slice(0, 1) }, /^variants: 2–5 variants/],
      [{ ...DRAFT, placement: 'checkout' }, /^placement: one of home, pdp, cart/],
      [{ ...DRAFT, owner: 'me' }, /unknown field owner/],
      [{ ...DRAFT, variants: [DRAFT.variants[0], { name: 'x', recipe: 'magic' }] }, /^variants\[1\]\.recipe/],
      [{ ...DRAFT, variants: [DRAFT.variants[0], { name: 'x', recipe: 'popular', weight: -1 }] }, /weight/],
      [{ ...DRAFT, minimumLift: 2 }, /^minimumLift: a relative lift from 0.01 to 1/],
    ];
    for (const [body, message] of cases) {
      const res = await call(app, 'POST', '/v1/admin/experiments', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.equal(errorOf(res).code, 'INVALID_REQUEST');
      assert.match(errorOf(res).message, message);
    }
    const unknownVersion = await call(app, 'POST', '/v1/admin/experiments', {
      ...DRAFT,
      variants: [DRAFT.variants[0], { name: 'candidate', recipe: 'popular', modelVersion: 'popular-0' }],
    });
    assert.equal(unknownVersion.statusCode, 400);
    assert.match(errorOf(unknownVersion).message, /variants\[1\]\.modelVersion: no model version popular-0/);
    assert.equal((await call(app, 'GET', '/v1/admin/experiments')).json().experiments.length, 0, 'none made');
  });

  it('starts a test, serves its variants, counts what the tracker reports, stops and deletes it', async () => {
    const created = await call(app, 'POST', '/v1/admin/experiments', DRAFT);
    assert.equal(created.statusCode, 201);
    const experiment = created.json() as ExperimentBody;
    assert.equal(experiment.status, 'running');
    assert.equal(experiment.stoppedAt, null);
    assert.deepEqual([experiment.minimumLift, experiment.results.plan.minimumLift], [0.1, 0.1]);
    assert.match(experiment.startedAt, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(
      experiment.results.variants.map((v) => [v.name, v.shoppers, v.impressions]),
      [
        ['bestsellers', 0, 0],
        ['for-you', 0, 0],
      ],
    );
    const busy = await call(app, 'POST', '/v1/admin/experiments', DRAFT);
    assert.equal(busy.statusCode, 409);
    assert.equal(errorOf(busy).code, 'EXPERIMENT_RUNNING');

    // Shoppers ask with the public key, and the tracker reports what they saw and clicked.
    const shown = new Map<string, number>();
    const events: unknown[] = [];
    for (const { userId } of shoppers().slice(0, 30)) {
      const res = await call(
        app,
        'GET',
        `/v1/recommendations?userId=${userId}&placement=home&n=4`,
        undefined,
        PUBLIC,
      );
      const answer = res.json() as { recommendationId: string; variant: string; items: { itemId: string }[] };
      assert.ok(['bestsellers', 'for-you'].includes(answer.variant), answer.variant);
      shown.set(answer.variant, (shown.get(answer.variant) ?? 0) + 1);
      for (const [k, item] of answer.items.entries())
        events.push({
          eventId: `${answer.recommendationId}-${k}`,
          eventType: k === 0 ? 'recommendation_click' : 'recommendation_impression',
          userId,
          itemId: item.itemId,
          recommendationId: answer.recommendationId,
          timestamp: Date.now(),
        });
    }
    const sent = await call(app, 'POST', '/v1/events', events, PUBLIC);
    assert.equal(sent.json().accepted, events.length);
    const url = `/v1/admin/experiments/${experiment.id}`;
    const figures = await waitFor('the events counted', async () => {
      const body = (await call(app, 'GET', url)).json() as ExperimentBody;
      const total = body.results.variants.reduce((n, v) => n + v.shoppers, 0);
      return total === 30 ? body.results.variants : undefined;
    });
    for (const v of figures) {
      const n = shown.get(v.name) ?? 0;
      assert.deepEqual([v.shoppers, v.impressions, v.clicks], [n, 3 * n, n], v.name);
    }

    const deleting = await call(app, 'DELETE', url);
    assert.equal(deleting.statusCode, 409);
    const stopped = await call(app, 'POST', `${url}/stop`);
    assert.equal(stopped.statusCode, 200);
    assert.equal((stopped.json() as ExperimentBody).status, 'stopped');
    assert.match((stopped.json() as ExperimentBody).stoppedAt!, /^\d{4}-/);
    const after = await call(
      app,
      'GET',
      '/v1/recommendations?userId=u-001&placement=home&n=4',
      undefined,
      PUBLIC,
    );
    assert.equal(after.json().variant, 'default');
    assert.equal((await call(app, 'DELETE', url)).statusCode, 204);
    const gone = await call(app, 'GET', url);
    assert.equal(gone.statusCode, 404);
    assert.equal(errorOf(gone).code, 'UNKNOWN_EXPERIMENT');
    assert.equal((await call(app, 'POST', `${url}/stop`)).statusCode, 404);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await call(app, 'GET', '/docs/json', undefined, null)).json() as {
      paths: Record<string, unknown>;
    };
    assert.ok(doc.paths['/v1/admin/experiments']);
    assert.ok(doc.paths['/v1/admin/experiments/{id}/stop']);
  });
});
