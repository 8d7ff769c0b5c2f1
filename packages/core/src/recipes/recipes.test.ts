import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InteractionsBuilder } from '../data/interactions.js';
import { EventCode } from '../domain/events.js';
import { item, tribes } from './fixtures.test-util.js';
import { queryOf, type Query } from './query.js';
import { RECIPE_NAMES, type Recipe } from './recipe.js';
import { createRecipe, loadRecipe } from './registry.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot.js';

/** The contract every recipe must honour, run against each of them. */
const data = tribes();
const ix = (id: string) => item(data, id);
const tribe = (index: number) => (Number(data.itemIds[index].slice(1)) < 10 ? 'A' : 'B');
const queries: Query[] = [
  queryOf(0, [{ item: ix('i1') }, { item: ix('i2') }, { item: ix('i3') }]),
  queryOf(-1, [{ item: ix('i12') }, { item: ix('i13') }]),
  queryOf(-1, []),
];

for (const name of RECIPE_NAMES) {
  test(`${name}: honours the recipe contract`, async () => {
    const recipe: Recipe = createRecipe(name, name.includes('personal') ? { factors: 8, iterations: 5 } : {});
    await recipe.fit(data, { threads: 1 });
    assert.equal(recipe.numItems, data.itemIds.length);

    const lists = recipe.recommend(queries, 5);
    lists.forEach((list, q) => {
      assert.ok(list.length <= 5 && list.length > 0, 'returns up to n items');
      for (let r = 1; r < list.length; r++) assert.ok(list[r - 1].score >= list[r].score, 'best first');
      for (const s of list) assert.ok(!queries[q].items.includes(s.item), 'never recommends what was seen');
    });

    const similar = recipe.similarItems(ix('i4'), 3);
    assert.ok(similar.length <= 3 && similar.every((s) => s.item !== ix('i4')));

    const reason = recipe.explain(queries[0], lists[0][0].item);
    assert.ok(['viewed', 'bought-together', 'popular', 'trending', 'similar-users'].includes(reason.type));
    // Where a recipe explains many items in one pass, it gives each the reason explain gives it alone.
    const every = Int32Array.from(data.itemIds.keys());
    const history = queryOf(-1, [
      { item: ix('i1') },
      { item: ix('i16') },
      { item: ix('i3') },
      { item: ix('i1') },
    ]);
    for (const q of [...queries, history])
      if (recipe.explainAll)
        assert.deepEqual(
          recipe.explainAll(q, every),
          Array.from(every, (i) => recipe.explain(q, i)),
        );

    // Saved and loaded, the model scores exactly as before.
    const restored = loadRecipe(decodeSnapshot(encodeSnapshot(recipe.save())));
    assert.equal(restored.name, name);
    assert.deepEqual(restored.recommend(queries, 5), lists);

    recipe.update([
      {
        user: 0,
        item: ix('i7'),
        type: EventCode.view,
        time: Date.UTC(2026, 0, 3),
        recent: Int32Array.of(ix('i6')),
      },
    ]);
    assert.equal(recipe.numItems, data.itemIds.length);
  });
}

test('personalized recipes stay within the shopper’s tribe', async () => {
  for (const name of ['similar-items', 'user-personalization', 'personalized-ranking'] as const) {
    const recipe = createRecipe(name, name === 'similar-items' ? {} : { factors: 8, iterations: 10 });
    await recipe.fit(data, { threads: 1 });
    const [a, b] = recipe.recommend(queries.slice(0, 2), 4);
    assert.ok(
      a.every((s) => tribe(s.item) === 'A'),
      `${name}: tribe A gets A items`,
    );
    assert.ok(
      b.every((s) => tribe(s.item) === 'B'),
      `${name}: tribe B gets B items`,
    );
  }
});

test('similar-items follows the walk and explains with the viewed item', async () => {
  const recipe = createRecipe('similar-items');
  await recipe.fit(data);
  const [top] = recipe.recommend([queryOf(-1, [{ item: ix('i3') }])], 3);
  const ids = top.map((s) => data.itemIds[s.item]);
  assert.ok(ids.includes('i2') && ids.includes('i4'), `the walk's neighbours of i3 are i2 and i4: ${ids}`);
  assert.deepEqual(recipe.explain(queryOf(-1, [{ item: ix('i3') }]), ix('i4')), {
    type: 'viewed',
    item: ix('i3'),
  });
});

test('bought-together completes the basket', async () => {
  const recipe = createRecipe('bought-together');
  await recipe.fit(data);
  const cart = queryOf(-1, [{ item: ix('i11'), type: EventCode.add_to_cart }]);
  assert.equal(data.itemIds[recipe.recommend([cart], 1)[0][0].item], 'i16');
  assert.deepEqual(recipe.explain(cart, ix('i16')), { type: 'bought-together', item: ix('i11') });
});

test('popular counts weighted events and takes updates', async () => {
  const recipe = createRecipe('popular', { eventWeights: { view: 0, purchase: 1 } });
  await recipe.fit(data);
  const before = recipe.recommend([queries[2]], 21)[0];
  assert.ok(before.every((s, r) => r === 0 || s.score <= before[r - 1].score));
  const last = before[before.length - 1].item;
  recipe.update(
    Array.from({ length: 100 }, () => ({ user: -1, item: last, type: EventCode.purchase, time: 0 })),
  );
  assert.equal(recipe.recommend([queries[2]], 1)[0][0].item, last);
});

test('trending ranks a sudden burst above steady sellers', async () => {
  const recipe = createRecipe('trending');
  await recipe.fit(data);
  const now = Date.UTC(2026, 0, 10);
  const burst = ix('i20');
  recipe.update(
    Array.from({ length: 30 }, (_, k) => ({
      user: -1,
      item: burst,
      type: EventCode.view,
      time: now - k * 60_000,
    })),
  );
  assert.equal(recipe.recommend([{ ...queries[2], now }], 1)[0][0].item, burst);
});

test('user-personalization folds in a brand-new shopper from their first events', async () => {
  const recipe = createRecipe('user-personalization', {
    factors: 8,
    iterations: 10,
    blend: { factors: 1, items: 0, sessions: 0 },
  });
  await recipe.fit(data, { threads: 1 });
  const [forB] = recipe.recommend([queryOf(-1, [{ item: ix('i15') }])], 3);
  assert.ok(
    forB.every((s) => tribe(s.item) === 'B'),
    'a new tribe-B shopper gets B items',
  );
});

test('trending sums the same in any order of events, over two years that re-anchor its sums', async () => {
  const day = 86_400_000;
  const start = Date.UTC(2024, 0, 1);
  const events = Array.from({ length: 3000 }, (_, k) => ({
    user: `u${k % 50}`,
    // Item c rises in the last week; a and b sell steadily through the two years.
    item: k >= 2900 ? 'c' : k % 3 === 0 ? 'a' : 'b',
    time: k >= 2900 ? start + 730 * day - (3000 - k) * 3_600_000 : start + Math.floor((k / 2900) * 723 * day),
  }));
  const scores = async (order: typeof events) => {
    const builder = new InteractionsBuilder();
    for (const id of ['a', 'b', 'c']) builder.items.intern(id);
    for (const e of order) builder.add(e.user, e.item, e.time, EventCode.view);
    const recipe = createRecipe('trending');
    await recipe.fit(builder.build());
    const out = new Float32Array(3);
    recipe.scoreInto(queryOf(-1, []), out);
    return out;
  };
  const inTime = await scores(events);
  const reversed = await scores([...events].reverse());
  const shuffled = await scores([...events].sort((x, y) => ((x.time * 7919) % 13) - ((y.time * 7919) % 13)));
  for (const other of [reversed, shuffled])
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(other[i] - inTime[i]) <= 1e-6 * Math.abs(inTime[i]));
  assert.ok(inTime[2] > inTime[0] && inTime[2] > inTime[1], 'the rising item leads');
});
