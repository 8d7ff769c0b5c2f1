/** Small dense linear algebra on row-major arrays, enough for k×k normal equations (k ≈ 16–256). */

/** Solves A x = b for symmetric positive definite A (k×k, row-major) by Cholesky; A and b are not modified. */
export function choleskySolve(a: ArrayLike<number>, b: ArrayLike<number>, k: number): Float64Array {
  const x = Float64Array.from(b);
  choleskySolveInPlace(Float64Array.from(a), x, k);
  return x;
}

/**
 * Solves A x = b for symmetric positive definite A (k×k, row-major), overwriting A's lower triangle with its
 * Cholesky factor and b with x: no allocation, for solvers that run it once per row.
 */
export function choleskySolveInPlace(a: Float64Array, b: Float64Array, k: number): void {
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * k + j];
      for (let p = 0; p < j; p++) sum -= a[i * k + p] * a[j * k + p];
      if (i === j) {
        if (sum <= 0) throw new Error('matrix is not positive definite');
        a[i * k + i] = Math.sqrt(sum);
      } else a[i * k + j] = sum / a[j * k + j];
    }
  }
  // Forward substitution L y = b, then back substitution Lᵀ x = y.
  for (let i = 0; i < k; i++) {
    let sum = b[i];
    for (let p = 0; p < i; p++) sum -= a[i * k + p] * b[p];
    b[i] = sum / a[i * k + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    let sum = b[i];
    for (let p = i + 1; p < k; p++) sum -= a[p * k + i] * b[p];
    b[i] = sum / a[i * k + i];
  }
}

/** A⁻¹ for symmetric positive definite A (k×k, row-major), column by column. */
export function inverse(a: ArrayLike<number>, k: number): Float64Array {
  const result = new Float64Array(k * k);
  const column = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    column.fill(0);
    column[c] = 1;
    const x = choleskySolve(a, column, k);
    for (let r = 0; r < k; r++) result[r * k + c] = x[r];
  }
  return result;
}

/** YᵀY + λI for a row-major n×k factor matrix Y, as a k×k Float64Array. */
export function gramian(y: Float32Array, n: number, k: number, lambda: number): Float64Array {
  return finishGramian(gramianPart(y, 0, n, k), k, lambda);
}

/** The upper triangle of Σ_r y_r y_rᵀ over rows start..end-1: a part of YᵀY that threads can sum. */
export function gramianPart(y: Float32Array, start: number, end: number, k: number): Float64Array {
  const g = new Float64Array(k * k);
  for (let r = start; r < end; r++) {
    const o = r * k;
    for (let i = 0; i < k; i++) {
      const yi = y[o + i];
      if (yi === 0) continue;
      for (let j = i; j < k; j++) g[i * k + j] += yi * y[o + j];
    }
  }
  return g;
}

/** Sums parts of YᵀY (upper triangles), adds λI and mirrors the upper triangle into the lower one. */
export function finishGramian(
  parts: Float64Array | readonly Float64Array[],
  k: number,
  lambda: number,
): Float64Array {
  const list = parts instanceof Float64Array ? [parts] : parts;
  const g = new Float64Array(k * k);
  for (const part of list) for (let x = 0; x < g.length; x++) g[x] += part[x];
  for (let i = 0; i < k; i++) {
    g[i * k + i] += lambda;
    for (let j = 0; j < i; j++) g[i * k + j] = g[j * k + i];
  }
  return g;
}
