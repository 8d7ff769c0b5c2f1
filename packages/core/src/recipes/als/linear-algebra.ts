/** Small dense linear algebra on row-major arrays, enough for k×k normal equations (k ≈ 16–256). */

/** Solves A x = b for symmetric positive definite A (k×k, row-major) by Cholesky; A and b are not modified. */
export function choleskySolve(a: ArrayLike<number>, b: ArrayLike<number>, k: number): Float64Array {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * k + j];
      for (let p = 0; p < j; p++) sum -= l[i * k + p] * l[j * k + p];
      if (i === j) {
        if (sum <= 0) throw new Error('matrix is not positive definite');
        l[i * k + i] = Math.sqrt(sum);
      } else l[i * k + j] = sum / l[j * k + j];
    }
  }
  // Forward substitution L y = b, then back substitution Lᵀ x = y.
  const x = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let sum = b[i];
    for (let p = 0; p < i; p++) sum -= l[i * k + p] * x[p];
    x[i] = sum / l[i * k + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    let sum = x[i];
    for (let p = i + 1; p < k; p++) sum -= l[p * k + i] * x[p];
    x[i] = sum / l[i * k + i];
  }
  return x;
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
