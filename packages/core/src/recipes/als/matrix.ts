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

/** Rows up to this long are put in column order by insertion; longer ones by a sort of their positions. */
const INSERTION_SORT_MAX = 32;

/**
 * Builds a CSR from (row, col, value) triples, summing duplicates (in the order given). Buffers are shared when
 * asked, for workers.
 */
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
  // Each row in column order (stably: duplicates stay in input order), then duplicate columns merged,
  // compacting in place (what is written never passes what is read).
  const ptr = new Int32Array(rows + 1);
  let out = 0;
  for (let row = 0; row < rows; row++) {
    const start = count[row];
    const end = count[row + 1];
    if (end - start <= INSERTION_SORT_MAX) insertionSort(idx, val, start, end);
    else sortByColumn(idx, val, start, end);
    for (let k = start; k < end; k++) {
      if (k > start && idx[k] === idx[out - 1]) val[out - 1] += val[k];
      else {
        idx[out] = idx[k];
        val[out++] = val[k];
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

/** Stable: an entry moves left past larger columns only. A shopper's row of ~8 items allocates nothing. */
function insertionSort(idx: Int32Array, val: Float32Array, start: number, end: number): void {
  for (let k = start + 1; k < end; k++) {
    const column = idx[k];
    const value = val[k];
    let j = k;
    for (; j > start && idx[j - 1] > column; j--) {
      idx[j] = idx[j - 1];
      val[j] = val[j - 1];
    }
    idx[j] = column;
    val[j] = value;
  }
}

/** Stable (Array.prototype.sort is), for long rows. */
function sortByColumn(idx: Int32Array, val: Float32Array, start: number, end: number): void {
  const order = Array.from({ length: end - start }, (_, k) => start + k).sort((a, b) => idx[a] - idx[b]);
  const columns = order.map((k) => idx[k]);
  const values = order.map((k) => val[k]);
  idx.set(columns, start);
  val.set(values, start);
}

/**
 * The transpose, in O(nonzeros): walking m's rows in order appends to each column's list in row order, so the
 * result's rows come out sorted, and m has no duplicates to merge.
 */
export function transpose(m: Csr, shared = false): Csr {
  const ptr = new Int32Array(m.cols + 1);
  for (let k = 0; k < m.idx.length; k++) ptr[m.idx[k] + 1]++;
  for (let j = 0; j < m.cols; j++) ptr[j + 1] += ptr[j];
  const fill = ptr.slice(0, m.cols);
  const idx = new Int32Array(m.idx.length);
  const val = new Float32Array(m.idx.length);
  for (let row = 0; row < m.rows; row++)
    for (let k = m.ptr[row]; k < m.ptr[row + 1]; k++) {
      const at = fill[m.idx[k]]++;
      idx[at] = row;
      val[at] = m.val[k];
    }
  return {
    rows: m.cols,
    cols: m.rows,
    ptr: copy(ptr, Int32Array, shared),
    idx: copy(idx, Int32Array, shared),
    val: copy(val, Float32Array, shared),
  };
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
