import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GuError } from '../errors.js';
import { assign, checkExperiment, type ExperimentDraft } from './experiment.js';
import { goodnessOfFit } from './statistics.js';

const draft = (o: Partial<ExperimentDraft> = {}): ExperimentDraft => ({
  name: 'For you vs best sellers',
  placement: 'home',
  variants: [
    { name: 'control', recipe: 'popular' },
    { name: 'personal', recipe: 'user-personalization', weight: 1 },
  ],
  ...o,
});

const refusal = (o: Partial<ExperimentDraft>, message: RegExp) =>
  assert.throws(
    () => checkExperiment(draft(o), 'x', 0),
    (e: unknown) => e instanceof GuError && e.code === 'INVALID_REQUEST' && message.test(e.message),
  );

describe('checkExperiment', () => {
  test('takes a valid draft, weights defaulting to 1', () => {
    const e = checkExperiment(draft(), 'for-you-1', 42);
    assert.equal(e.startedAt, 42);
    assert.equal(e.minimumLift, 0.1, 'planned for a 10% lift unless told');
    assert.equal(checkExperiment(draft({ minimumLift: 0.05 }), 'x', 0).minimumLift, 0.05);
    assert.deepEqual(
      e.variants.map((v) => [v.name, v.recipe, v.weight]),
      [
        ['control', 'popular', 1],
        ['personal', 'user-personalization', 1],
      ],
    );
  });

  test('names what is wrong', () => {
    refusal({ name: '' }, /^name/);
    refusal({ owner: 'me' } as Partial<ExperimentDraft>, /^unknown field owner/);
    refusal({ placement: 'checkout' }, /^placement: one of home, pdp, cart/);
    for (const minimumLift of [0, 0.001, 1.5, '0.1', Number.NaN])
      refusal({ minimumLift }, /^minimumLift: a relative lift from 0.01 to 1 \(0.1 = 10%\)$/);
    refusal({ variants: [{ name: 'a', recipe: 'popular' }] }, /^variants: 2–5/);
    refusal({ variants: 'x' }, /^variants: 2–5/);
    refusal(
      {
        variants: [
          { name: 'a.b', recipe: 'popular' },
          { name: 'c', recipe: 'popular' },
        ],
      },
      /variants\[0\]\.name/,
    );
    refusal(
      {
        variants: [
          { name: 'a', recipe: 'random' },
          { name: 'c', recipe: 'popular' },
        ],
      },
      /variants\[0\]\.recipe/,
    );
    refusal(
      {
        variants: [
          { name: 'a', recipe: 'popular' },
          { name: 'c', recipe: 'popular', weight: 0 },
        ],
      },
      /\[1\]\.weight/,
    );
    refusal(
      {
        variants: [
          { name: 'a', recipe: 'popular' },
          { name: 'a', recipe: 'trending' },
        ],
      },
      /a is used twice/,
    );
    refusal(
      {
        variants: [
          { name: 'a', recipe: 'popular', colour: 1 },
          { name: 'c', recipe: 'popular' },
        ],
      },
      /unknown field colour/,
    );
  });
});

describe('assign', () => {
  test('is stable per shopper and splits shoppers by weight', () => {
    const e = checkExperiment(
      draft({
        variants: [
          { name: 'a', recipe: 'popular', weight: 2 },
          { name: 'b', recipe: 'trending', weight: 1 },
          { name: 'c', recipe: 'user-personalization', weight: 1 },
        ],
      }),
      'split-test',
      0,
    );
    const counts = new Map<string, number>();
    for (let u = 0; u < 40_000; u++) {
      const v = assign(e, `u:${u}`).name;
      assert.equal(assign(e, `u:${u}`).name, v);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const observed = ['a', 'b', 'c'].map((v) => counts.get(v) ?? 0);
    // A fair split of 40,000 by 2:1:1 fails this test about once in a thousand runs; the hash is fixed, so never.
    assert.ok(goodnessOfFit(observed, [2, 1, 1])! > 0.001, `split ${observed}`);
  });

  test('splits the same shoppers independently in two experiments', () => {
    const one = checkExperiment(draft(), 'one', 0);
    const two = checkExperiment(draft(), 'two', 0);
    let same = 0;
    for (let u = 0; u < 10_000; u++) if (assign(one, `s:${u}`).name === assign(two, `s:${u}`).name) same++;
    assert.ok(same > 4_800 && same < 5_200, `${same} of 10,000 in the same arm of both`);
  });
});
