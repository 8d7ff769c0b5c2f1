/**
 * The implicit-feedback matrix in compressed sparse rows: row r's columns are idx[ptr[r]..ptr[r+1]-1] with
 * their aggregated preference strength in val (the sum of event weights of that user-item pair).
 */
export interface Csr {
  rows: number;
  cols: number;
  ptr: Int32Array;
  idx: Int32Array;
  val: Float32Array;
}

/** Builds a CSR from (row, col, value) triples, summing duplicates. Buffers are shared when asked, for workers. */
export function csrFromTriples(
  rows: number,
  cols: number,
  r: ArrayLike<number>,
  c: ArrayLike<number>,
  v: ArrayLike<number>,
  shared = false,
): Csr {
  const n = r.length;
  const count = new Int32Array(rows + 1);
  for (let i = 0; i < n; i++) if (v[i] > 0) count[r[i] + 1]++;
  for (let i = 0; i < rows; i++) count[i + 1] += count[i];
  const fill = count.slice(0, rows);
  const idx = new Int32Array(count[rows]);
  const val = new Float32Array(count[rows]);
  for (let i = 0; i < n; i++) {
    if (v[i] <= 0) continue;
    const at = fill[r[i]]++;
    idx[at] = c[i];
    val[at] = v[i];
  }
  // Sort each row by column and merge duplicate columns.
  const ptr = new Int32Array(rows + 1);
  let out = 0;
  for (let row = 0; row < rows; row++) {
    const start = count[row];
    const end = count[row + 1];
    const order = Array.from({ length: end - start }, (_, k) => start + k).sort((a, b) => idx[a] - idx[b]);
    const cols_ = order.map((k) => idx[k]);
    const vals = order.map((k) => val[k]);
    for (let k = 0; k < cols_.length; k++) {
      if (k > 0 && cols_[k] === cols_[k - 1]) val[out - 1] += vals[k];
      else {
        idx[out] = cols_[k];
        val[out++] = vals[k];
      }
    }
    ptr[row + 1] = out;
  }
  return {
    rows,
    cols,
    ptr: copy(ptr, Int32Array, shared),
    idx: copy(idx.subarray(0, out), Int32Array, shared),
    val: copy(val.subarray(0, out), Float32Array, shared),
  };
}

export function transpose(m: Csr, shared = false): Csr {
  const rowOf = new Int32Array(m.idx.length);
  for (let r = 0; r < m.rows; r++) rowOf.fill(r, m.ptr[r], m.ptr[r + 1]);
  return csrFromTriples(m.cols, m.rows, m.idx, rowOf, m.val, shared);
}

/** The matrix in SharedArrayBuffers, for worker threads. */
export function sharedCopy(m: Csr): Csr {
  return {
    ...m,
    ptr: copy(m.ptr, Int32Array, true),
    idx: copy(m.idx, Int32Array, true),
    val: copy(m.val, Float32Array, true),
  };
}

type Ctor<T> = { new (buffer: ArrayBufferLike): T; new (n: number): T; BYTES_PER_ELEMENT: number };

function copy<T extends Int32Array | Float32Array>(src: T, C: Ctor<T>, shared: boolean): T {
  const out = shared ? new C(new SharedArrayBuffer(src.length * C.BYTES_PER_ELEMENT)) : new C(src.length);
  out.set(src);
  return out;
}
