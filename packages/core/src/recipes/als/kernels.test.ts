import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from '../random.js';
import type { AlsWorkerData } from './als-worker.js';
import { solveRowsCg } from './cg.js';
import { FactorScoring } from './factor-scoring.js';
import { alsKernels, csrBytes, factorGramian, WasmArena } from './kernels.js';
import { finishGramian, gramian, inverse } from './linear-algebra.js';
import { csrFromTriples, transpose } from './matrix.js';
import { cgCost, woodburyCost } from './woodbury.js';

/**
 * Shoppers of two kinds, as ALS meets them: half with two or three items (solved by the identity), half with
 * about thirty (by conjugate gradient); random factors on both sides.
 */
function shop(k: number, seed: number) {
  const next = mulberry32(seed);
  const [users, items] = [120, 60];
  const [r, c, v]: number[][] = [[], [], []];
  for (let u = 0; u < users; u++)
    for (let i = 0; i < items; i++)
      if (next() < (u % 2 === 0 ? 0.04 : 0.5)) {
        r.push(u);
        c.push(i);
        v.push(1 + Math.floor(next() * 3));
      }
  const userItems = csrFromTriples(users, items, r, c, v);
  const random = (n: number) => Float32Array.from({ length: n }, () => next() - 0.5);
  return { userItems, itemUsers: transpose(userItems), users: random(users * k), items: random(items * k) };
}

/** The same data twice: in plain arrays for the JavaScript loops, and in an arena for kernels.wat. */
function twins(k: number, seed: number): [AlsWorkerData, AlsWorkerData] {
  const s = shop(k, seed);
  const common = { k, alpha: 3, cgSteps: 3 };
  const js: AlsWorkerData = {
    ...s,
    ...common,
    projections: { items: new Float32Array(s.items.length) },
  };
  const sizes = [s.users.length, s.items.length, s.items.length].map((n) => 4 * n);
  const arena = WasmArena.for(k, [...sizes, ...csrBytes(s.userItems), ...csrBytes(s.itemUsers)], 1)!;
  const copy = (a: Float32Array) => {
    const out = arena.alloc(Float32Array, a.length);
    out.set(a);
    return out;
  };
  const wasm: AlsWorkerData = {
    ...common,
    users: copy(s.users),
    items: copy(s.items),
    projections: { items: arena.alloc(Float32Array, s.items.length) },
    userItems: arena.csr(s.userItems),
    itemUsers: arena.csr(s.itemUsers),
    memory: arena.memory,
  };
  return [js, wasm];
}

function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  what: string,
) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++)
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tolerance * Math.max(1, Math.abs(expected[i])),
      `${what}[${i}]: ${actual[i]} vs ${expected[i]}`,
    );
}

for (const k of [6, 8, 64])
  test(`kernels.wat computes what the JavaScript loops do (k = ${k})`, () => {
    const [js, wasm] = twins(k, k);
    const [a, b] = [alsKernels(js), alsKernels(wasm)];
    // The Gramian's upper triangle, summed over a range that ends mid-block of four rows.
    const [gJs, gWasm] = [a.gramian('users', 3, 117), b.gramian('users', 3, 117)];
    for (let i = 0; i < k; i++)
      for (let j = i; j < k; j++) assertClose([gWasm[i * k + j]], [gJs[i * k + j]], 1e-12, `YᵀY(${i},${j})`);
    const itemsGramian = finishGramian(a.gramian('items', 0, 60), k, 0.1);
    const bInverse = inverse(itemsGramian, k);
    a.project('items', bInverse, 0, 60);
    b.project('items', bInverse, 0, 60);
    assertClose(wasm.projections.items!, js.projections.items!, 1e-6, 'z');
    // Shoppers: the short rows by the identity, the long ones by conjugate gradient.
    a.solve('users', itemsGramian, 0, 120);
    b.solve('users', itemsGramian, 0, 120);
    assertClose(wasm.users, js.users, 1e-5, 'x');
    // Items, with no projection of the shoppers: conjugate gradient only.
    const usersGramian = finishGramian(a.gramian('users', 0, 120), k, 0.1);
    a.solve('items', usersGramian, 0, 60);
    b.solve('items', usersGramian, 0, 60);
    assertClose(wasm.items, js.items, 1e-5, 'y');
  });

test('both kinds of rows are in the kernels test', () => {
  const { userItems } = shop(64, 64);
  const lengths = Array.from({ length: userItems.rows }, (_, u) => userItems.ptr[u + 1] - userItems.ptr[u]);
  const direct = (n: number) => woodburyCost(n, 64) < cgCost(n, 64, 3);
  assert.ok(lengths.some(direct) && lengths.some((n) => !direct(n)));
});

test('the JavaScript loops take what the kernels cannot: an odd number of factors, or more than 4 GiB', () => {
  assert.equal(WasmArena.for(5, [1000], 2), undefined);
  assert.ok(WasmArena.for(8, [1000], 2));
  assert.equal(WasmArena.for(8, [2 ** 31, 2 ** 31], 2), undefined);
});

test("a factor matrix's Gramian by kernels.wat is the JavaScript one, for odd k too", () => {
  for (const k of [5, 64]) {
    const next = mulberry32(k);
    const y = Float32Array.from({ length: 301 * k }, () => next() - 0.5);
    assertClose(factorGramian(y, 301, k, 0.1), gramian(y, 301, k, 0.1), 1e-12, `k = ${k}: YᵀY + λI`);
  }
});

test('FactorScoring folds in and scores as the JavaScript loops do', () => {
  const k = 8;
  const next = mulberry32(3);
  const items = Float32Array.from({ length: 50 * k }, () => next() - 0.5);
  const yty = gramian(items, 50, k, 0.1);
  const scoring = FactorScoring.for(items, yty, k)!;
  const idx = Int32Array.of(3, 17, 42, 8, 29);
  const val = Float32Array.of(1, 2.5, 0.3, 4, 1);
  // Three steps from zero stop short of the solution: the start and every step must match.
  const x = new Float32Array(k);
  solveRowsCg(x, items, yty, { rows: 1, cols: 50, ptr: Int32Array.of(0, 5), idx, val }, 10, k, 3);
  const folded = scoring.foldIn(idx, val, 10, 3);
  assertClose(folded, x, 1e-6, 'x');
  const candidates = Int32Array.of(0, 49, 7, 7, 21);
  const out = new Float64Array(candidates.length);
  scoring.affinities(folded, candidates, out);
  const expected = [...candidates].map((i) => folded.reduce((s, v, f) => s + v * items[i * k + f], 0));
  assertClose(out, expected, 1e-12, 'x·y');
});
