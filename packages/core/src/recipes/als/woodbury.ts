import { choleskySolveInPlace } from './linear-algebra.js';
import type { Csr } from './matrix.js';

/**
 * Exact half-step of implicit ALS for rows with few interactions, by the Woodbury identity. Every row's
 * system shares B = YᵀY + λI and adds a low-rank term of its own: A_u = B + Y_uᵀ D_u Y_u with
 * D_u = diag(c_ui − 1) over the row's n_u items. With z_i = B⁻¹ y_i, computed once per half-step for every
 * row of Y (projectRows),
 *   x_u = A_u⁻¹ Y_uᵀ c_u = g − Σ_j w_j z_j,   g = Σ_i c_i z_i,   (D_u⁻¹ + [y_i · z_j]) w = [y_i · g]
 * an n_u×n_u system instead of a k×k one. A shopper with 8 events and k = 64 costs about 4,000
 * multiply-adds, where 3 conjugate-gradient steps cost about 20,000 (each a product with the k×k YᵀY) and
 * stop short of the solution.
 */

/** Multiply-adds of one row by conjugate gradient (cg.ts): the residual and each step, k² + 2·n·k apiece. */
export const cgCost = (n: number, k: number, cgSteps: number): number => (cgSteps + 1) * (k * k + 2 * n * k);

/**
 * Multiply-adds of one row by the identity (g, [y_i · z_j] symmetric, [y_i · g], x, the n×n Cholesky), counted
 * twice: each costs about two of conjugate gradient's, which multiplies by a k×k matrix that stays in cache
 * where the identity reads two rows per item (measured at k = 64: n = 8 about 3× cheaper than 3 CG steps,
 * even at n = 16).
 */
export const woodburyCost = (n: number, k: number): number =>
  2 * (n * k * (3 + (n + 1) / 2) + (n * n * n) / 6 + n * n);

/**
 * Whether the identity pays for one side's half-step: what it saves on the rows it is cheaper for must
 * exceed projecting every row of the fixed side (fixedRows · k²). True for shoppers, who have few events
 * each; not for items, which have many shoppers each.
 */
export function woodburyPays(m: Csr, fixedRows: number, k: number, cgSteps: number): boolean {
  let saved = 0;
  for (let u = 0; u < m.rows; u++) {
    const n = m.ptr[u + 1] - m.ptr[u];
    saved += Math.max(0, cgCost(n, k, cgSteps) - woodburyCost(n, k));
  }
  return saved > fixedRows * k * k;
}

/** z_r = B⁻¹ y_r for rows start..end-1 of Y (B⁻¹ symmetric, k×k row-major), written into z. */
export function projectRows(
  y: Float32Array,
  bInverse: Float64Array,
  k: number,
  z: Float32Array,
  start: number,
  end: number,
): void {
  for (let r = start; r < end; r++) {
    const o = r * k;
    for (let f = 0; f < k; f++) {
      let s = 0;
      for (let g = 0; g < k; g++) s += bInverse[f * k + g] * y[o + g];
      z[o + f] = s;
    }
  }
}

/**
 * Solves the rows of a half-step for which the identity is cheaper than conjugate gradient (solve returns
 * false for the others). Items whose confidence adds nothing (c = 1) count in g alone.
 */
export class WoodburyRows {
  private readonly g: Float64Array;
  /**
   * The rows y_i and z_i of the row's items with c > 1, their c − 1, the n×n system and its right-hand side,
   * grown as needed. The system is positive definite because D⁻¹ is.
   */
  private ys = new Float64Array(0);
  private zs = new Float64Array(0);
  private extra = new Float64Array(0);
  private system = new Float64Array(0);
  private rhs = new Float64Array(0);

  constructor(
    private readonly x: Float32Array,
    private readonly y: Float32Array,
    private readonly z: Float32Array,
    private readonly m: Csr,
    private readonly alpha: number,
    private readonly k: number,
    private readonly cgSteps: number,
  ) {
    this.g = new Float64Array(k);
  }

  solve(u: number): boolean {
    const { x, y, z, m, alpha, k, g } = this;
    const start = m.ptr[u];
    const end = m.ptr[u + 1];
    if (woodburyCost(end - start, k) >= cgCost(end - start, k, this.cgSteps)) return false;
    this.ensure(end - start);
    const { ys, zs, extra, system, rhs } = this;
    // g = Σ c_i z_i; the rows of items with c > 1 copied side by side, for the products below.
    g.fill(0);
    let n = 0;
    for (let q = start; q < end; q++) {
      const o = m.idx[q] * k;
      const c1 = alpha * m.val[q];
      for (let f = 0; f < k; f++) g[f] += (1 + c1) * z[o + f];
      if (c1 <= 0) continue;
      const at = n * k;
      for (let f = 0; f < k; f++) {
        ys[at + f] = y[o + f];
        zs[at + f] = z[o + f];
      }
      extra[n++] = c1;
    }
    // (D⁻¹ + [y_i · z_j]) w = [y_i · g]; [y_i · z_j] = y_iᵀ B⁻¹ y_j is symmetric.
    for (let i = 0; i < n; i++) {
      const oi = i * k;
      for (let j = i; j < n; j++) {
        const oj = j * k;
        let s = 0;
        for (let f = 0; f < k; f++) s += ys[oi + f] * zs[oj + f];
        system[i * n + j] = s;
        system[j * n + i] = s;
      }
      system[i * n + i] += 1 / extra[i];
      let s = 0;
      for (let f = 0; f < k; f++) s += ys[oi + f] * g[f];
      rhs[i] = s;
    }
    choleskySolveInPlace(system, rhs, n);
    // x = g − Σ_j w_j z_j
    for (let j = 0; j < n; j++) {
      const w = rhs[j];
      const oj = j * k;
      for (let f = 0; f < k; f++) g[f] -= w * zs[oj + f];
    }
    const base = u * k;
    for (let f = 0; f < k; f++) x[base + f] = g[f];
    return true;
  }

  private ensure(n: number): void {
    if (this.extra.length >= n) return;
    this.ys = new Float64Array(n * this.k);
    this.zs = new Float64Array(n * this.k);
    this.extra = new Float64Array(n);
    this.system = new Float64Array(n * n);
    this.rhs = new Float64Array(n);
  }
}
