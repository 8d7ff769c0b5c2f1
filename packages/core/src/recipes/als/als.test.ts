import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from '../random.js';
import { solveRowsCg } from './cg.js';
import { choleskySolve, gramian, inverse } from './linear-algebra.js';
import { csrFromTriples, transpose } from './matrix.js';
import { solveRowsExact } from './reference.js';
import { trainAls } from './train.js';
import { projectRows, woodburyPays, WoodburyRows } from './woodbury.js';

/** A checkerboard: users 0–5 like items 0–4, users 6–11 like items 5–9. */
function checkerboard() {
  const r: number[] = [];
  const c: number[] = [];
  for (let u = 0; u < 12; u++)
    for (let i = 0; i < 10; i++)
      if (u < 6 === i < 5 && (u + i) % 4 !== 0) {
        r.push(u);
        c.push(i);
      }
  return csrFromTriples(
    12,
    10,
    r,
    c,
    r.map(() => 1),
  );
}

/** A random sparse matrix (30% density unless given, strengths 1–3) and random item factors. */
function randomMatrix(rows: number, cols: number, k: number, seed: number, density = 0.3) {
  const next = mulberry32(seed);
  const [r, c, v]: number[][] = [[], [], []];
  for (let u = 0; u < rows; u++)
    for (let i = 0; i < cols; i++)
      if (next() < density) {
        r.push(u);
        c.push(i);
        v.push(1 + Math.floor(next() * 3));
      }
  return {
    m: csrFromTriples(rows, cols, r, c, v),
    y: Float32Array.from({ length: cols * k }, () => next() - 0.5),
  };
}

test('Cholesky solves a known system', () => {
  const x = choleskySolve([4, 2, 2, 3], [2, 1], 2);
  assert.ok(Math.abs(x[0] - 0.5) < 1e-12 && Math.abs(x[1]) < 1e-12);
});

test('CSR merges duplicate pairs and transposes', () => {
  const m = csrFromTriples(2, 3, [0, 0, 1, 0], [2, 1, 0, 2], [1, 1, 1, 2]);
  assert.deepEqual([...m.ptr], [0, 2, 3]);
  assert.deepEqual([...m.idx], [1, 2, 0]);
  assert.deepEqual([...m.val], [1, 3, 1]);
  const t = transpose(m);
  assert.deepEqual([...t.ptr], [0, 1, 2, 3]);
  assert.deepEqual([...t.idx], [1, 0, 0]);
});

test('CSR of random triples: rows in column order, duplicates summed in the order given', () => {
  const next = mulberry32(21);
  const [rows, cols, n] = [40, 30, 2000];
  const r = Array.from({ length: n }, () => Math.floor(next() * rows));
  const c = Array.from({ length: n }, () => Math.floor(next() * cols));
  const v = Array.from({ length: n }, () => (next() < 0.1 ? 0 : next() * 3));
  const m = csrFromTriples(rows, cols, r, c, v);
  for (let row = 0; row < rows; row++) {
    // Reference: the row's positive entries, summed per column in input order as float32 sums them.
    const sums = new Map<number, number>();
    for (let i = 0; i < n; i++)
      if (r[i] === row && v[i] > 0) sums.set(c[i], Math.fround((sums.get(c[i]) ?? 0) + Math.fround(v[i])));
    const expected = [...sums].sort((a, b) => a[0] - b[0]);
    const got = Array.from({ length: m.ptr[row + 1] - m.ptr[row] }, (_, k) => [
      m.idx[m.ptr[row] + k],
      m.val[m.ptr[row] + k],
    ]);
    assert.deepEqual(got, expected);
  }
});

test('conjugate gradient converges to the exact least-squares solution', () => {
  const k = 6;
  const { m, y } = randomMatrix(20, 15, k, 3);
  const yty = gramian(y, 15, k, 0.1);
  const exact = new Float32Array(20 * k);
  solveRowsExact(exact, y, yty, m, 2, k);
  const cg = new Float32Array(20 * k);
  solveRowsCg(cg, y, yty, m, 2, k, 2 * k); // CG is exact after k steps in exact arithmetic
  for (let i = 0; i < exact.length; i++)
    assert.ok(Math.abs(exact[i] - cg[i]) < 1e-4, `factor ${i}: ${exact[i]} vs ${cg[i]}`);
});

test('the inverse of a positive definite matrix', () => {
  const k = 5;
  const { y } = randomMatrix(1, 12, k, 9);
  const a = gramian(y, 12, k, 0.5);
  const b = inverse(a, k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * k + j];
      assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-9, `(A·A⁻¹)[${i}][${j}] = ${s}`);
    }
});

test('the Woodbury identity solves short rows exactly, and leaves long ones to conjugate gradient', () => {
  const k = 32;
  const { m, y } = randomMatrix(60, 40, k, 4, 0.08);
  const yty = gramian(y, 40, k, 0.1);
  const exact = new Float32Array(60 * k);
  solveRowsExact(exact, y, yty, m, 2, k);
  const z = new Float32Array(y.length);
  projectRows(y, inverse(yty, k), k, z, 0, 40);
  const direct = new Float32Array(60 * k);
  const rows = new WoodburyRows(direct, y, z, m, 2, k, 3);
  let solved = 0;
  for (let u = 0; u < 60; u++) if (rows.solve(u)) solved++;
  assert.equal(solved, 60, 'every row of a few items is cheaper by the identity at k = 32');
  for (let i = 0; i < exact.length; i++)
    assert.ok(Math.abs(exact[i] - direct[i]) < 1e-4, `factor ${i}: ${exact[i]} vs ${direct[i]}`);
  // A row of 40 items costs more by the identity than 3 CG steps: refused, untouched.
  const dense = randomMatrix(1, 40, k, 5, 1).m;
  const untouched = new Float32Array(k);
  assert.equal(new WoodburyRows(untouched, y, z, dense, 2, k, 3).solve(0), false);
  assert.deepEqual([...untouched], new Array(k).fill(0));
});

test('the identity pays for the shoppers side of a sparse matrix, not for the items side', () => {
  const { m } = randomMatrix(2000, 100, 8, 6, 0.03);
  assert.equal(woodburyPays(m, m.cols, 32, 3), true);
  assert.equal(woodburyPays(transpose(m), m.rows, 32, 3), false);
});

test('ALS learns the checkerboard: each user prefers the unseen items of their own block', async () => {
  const m = checkerboard();
  const k = 2; // the checkerboard has rank 2; more factors would memorize the held-out holes
  const { users, items } = await trainAls(
    m,
    { factors: k, regularization: 0.1, alpha: 5, iterations: 15, cgSteps: 3, seed: 1 },
    1,
  );
  const score = (u: number, i: number) =>
    users.subarray(u * k, u * k + k).reduce((s, x, f) => s + x * items[i * k + f], 0);
  // (u + i) % 4 === 0 pairs were held out of the fixture: they must outscore every item of the other block.
  for (let u = 0; u < 12; u++)
    for (let i = 0; i < 10; i++) {
      if ((u + i) % 4 !== 0 || u < 6 !== i < 5) continue;
      const other = u < 6 ? [5, 6, 7, 8, 9] : [0, 1, 2, 3, 4];
      for (const j of other) assert.ok(score(u, i) > score(u, j), `user ${u}: item ${i} should beat ${j}`);
    }
});

test('training on two worker threads gives the same factors as one thread', async () => {
  const { m } = randomMatrix(300, 80, 8, 5);
  const params = { factors: 8, regularization: 0.1, alpha: 3, iterations: 3, cgSteps: 3, seed: 2 };
  const one = await trainAls(m, params, 1);
  const two = await trainAls(csrFromTriples(m.rows, m.cols, ...triples(m), true), params, 2);
  assert.deepEqual(two.items, one.items);
  assert.deepEqual(two.users, one.users);
});

test('with the identity engaged, two worker threads give the same factors as one', async () => {
  const { m } = randomMatrix(3000, 60, 8, 7, 0.05);
  assert.equal(woodburyPays(m, m.cols, 8, 3), true);
  const params = { factors: 8, regularization: 0.1, alpha: 3, iterations: 4, cgSteps: 3, seed: 2 };
  const one = await trainAls(m, params, 1);
  const two = await trainAls(csrFromTriples(m.rows, m.cols, ...triples(m), true), params, 2);
  assert.deepEqual(two.items, one.items);
  assert.deepEqual(two.users, one.users);
});

function triples(m: ReturnType<typeof checkerboard>): [number[], number[], number[]] {
  const r: number[] = [];
  for (let u = 0; u < m.rows; u++) for (let p = m.ptr[u]; p < m.ptr[u + 1]; p++) r.push(u);
  return [r, Array.from(m.idx), Array.from(m.val)];
}
