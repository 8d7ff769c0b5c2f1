import { choleskySolve } from './linear-algebra.js';
import type { Csr } from './matrix.js';

/**
 * Readable reference for one half-step of implicit ALS (Hu, Koren & Volinsky, ICDM 2008). For each row u with
 * confidences c_ui = 1 + α·r_ui and preferences p_ui = 1 for observed pairs (0 otherwise), the exact solution is
 *   x_u = (YᵀY + Yᵀ(C_u − I)Y + λI)⁻¹ · Yᵀ C_u p_u
 * The fast path (cg.ts) approximates this with a few conjugate-gradient steps and is tested against it.
 */
export function solveRowsExact(
  x: Float32Array,
  y: Float32Array,
  yty: Float64Array,
  m: Csr,
  alpha: number,
  k: number,
  rowStart = 0,
  rowEnd = m.rows,
): void {
  for (let u = rowStart; u < rowEnd; u++) {
    const a = Float64Array.from(yty); // YᵀY + λI
    const b = new Float64Array(k);
    for (let p = m.ptr[u]; p < m.ptr[u + 1]; p++) {
      const i = m.idx[p];
      const c = 1 + alpha * m.val[p];
      for (let r = 0; r < k; r++) {
        const yr = y[i * k + r];
        b[r] += c * yr;
        for (let s = 0; s < k; s++) a[r * k + s] += (c - 1) * yr * y[i * k + s];
      }
    }
    x.set(choleskySolve(a, b, k), u * k);
  }
}
