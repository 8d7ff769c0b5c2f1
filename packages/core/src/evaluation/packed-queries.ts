import type { Query } from '../recipes/query.js';

/** Queries flattened into a few typed arrays, to hand to worker threads in one message. */
export interface PackedQueries {
  ptr: Int32Array;
  users: Int32Array;
  nows: Float64Array;
  items: Int32Array;
  types: Uint8Array;
  times: Float64Array;
}

export function packQueries(queries: readonly Query[]): PackedQueries {
  const ptr = new Int32Array(queries.length + 1);
  queries.forEach((q, i) => (ptr[i + 1] = ptr[i] + q.items.length));
  const total = ptr[queries.length];
  const packed: PackedQueries = {
    ptr,
    users: Int32Array.from(queries, (q) => q.user),
    nows: Float64Array.from(queries, (q) => q.now ?? NaN),
    items: new Int32Array(total),
    types: new Uint8Array(total),
    times: new Float64Array(total),
  };
  queries.forEach((q, i) => {
    packed.items.set(q.items, ptr[i]);
    packed.types.set(q.types, ptr[i]);
    packed.times.set(q.times, ptr[i]);
  });
  return packed;
}

export function unpackQuery(p: PackedQueries, i: number): Query {
  const [a, b] = [p.ptr[i], p.ptr[i + 1]];
  const now = p.nows[i];
  return {
    user: p.users[i],
    items: p.items.subarray(a, b),
    types: p.types.subarray(a, b),
    times: p.times.subarray(a, b),
    now: Number.isNaN(now) ? undefined : now,
  };
}
