import type { Csr } from './matrix.js';

/**
 * Fast half-step of implicit ALS by conjugate gradient (Takács, Pilászy & Tikk, RecSys 2011), the method of
 * the `implicit` library's least_squares_cg. It never forms Yᵀ C_u Y: a product with it is
 *   (YᵀY + λI)·v + Σ_{i∈u} (c_ui − 1)(y_i·v) y_i,
 * O(k² + n_u·k) per step. Starting from the previous x_u, a few steps suffice per ALS iteration. Rows that
 * `direct` solves (woodbury.ts: those with few interactions) are left to it.
 */
export function solveRowsCg(
  x: Float32Array,
  y: Float32Array,
  yty: Float64Array,
  m: Csr,
  alpha: number,
  k: number,
  cgSteps: number,
  rowStart = 0,
  rowEnd = m.rows,
  direct?: { solve(row: number): boolean },
): void {
  const r = new Float64Array(k);
  const p = new Float64Array(k);
  const ap = new Float64Array(k);
  const xu = new Float64Array(k);
  for (let u = rowStart; u < rowEnd; u++) {
    if (direct?.solve(u)) continue;
    const start = m.ptr[u];
    const end = m.ptr[u + 1];
    const base = u * k;
    for (let f = 0; f < k; f++) xu[f] = x[base + f];
    // r = Yᵀ C_u p_u − A x_u, with A x = YᵀY x + Σ (c − 1)(y·x) y
    for (let f = 0; f < k; f++) {
      let s = 0;
      for (let g = 0; g < k; g++) s += yty[f * k + g] * xu[g];
      r[f] = -s;
    }
    for (let q = start; q < end; q++) {
      const o = m.idx[q] * k;
      const c = 1 + alpha * m.val[q];
      let yx = 0;
      for (let f = 0; f < k; f++) yx += y[o + f] * xu[f];
      const coef = c - (c - 1) * yx;
      for (let f = 0; f < k; f++) r[f] += coef * y[o + f];
    }
    let rsOld = 0;
    for (let f = 0; f < k; f++) {
      p[f] = r[f];
      rsOld += r[f] * r[f];
    }
    for (let step = 0; step < cgSteps && rsOld > 1e-20; step++) {
      for (let f = 0; f < k; f++) {
        let s = 0;
        for (let g = 0; g < k; g++) s += yty[f * k + g] * p[g];
        ap[f] = s;
      }
      for (let q = start; q < end; q++) {
        const o = m.idx[q] * k;
        const c1 = alpha * m.val[q];
        let yp = 0;
        for (let f = 0; f < k; f++) yp += y[o + f] * p[f];
        const coef = c1 * yp;
        for (let f = 0; f < k; f++) ap[f] += coef * y[o + f];
      }
      let pAp = 0;
      for (let f = 0; f < k; f++) pAp += p[f] * ap[f];
      const a = rsOld / pAp;
      let rsNew = 0;
      for (let f = 0; f < k; f++) {
        xu[f] += a * p[f];
        r[f] -= a * ap[f];
        rsNew += r[f] * r[f];
      }
      for (let f = 0; f < k; f++) p[f] = r[f] + (rsNew / rsOld) * p[f];
      rsOld = rsNew;
    }
    for (let f = 0; f < k; f++) x[base + f] = xu[f];
  }
}
