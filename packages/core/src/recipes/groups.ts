import type { Interactions } from '../data/interactions.js';
import type { Groups } from './co-occurrence.js';

/** Builds CSR groups from rows already ordered by group, keeping only rows with a positive weight. */
function collect(
  data: Interactions,
  order: ArrayLike<number>,
  groupKey: (row: number) => number,
  w: Float32Array,
): Groups {
  const ptr: number[] = [0];
  const items: number[] = [];
  const weights: number[] = [];
  let current = NaN;
  for (let k = 0; k < order.length; k++) {
    const row = order[k];
    const weight = w[data.type[row]];
    if (weight <= 0) continue;
    const key = groupKey(row);
    if (key !== current && items.length > ptr[ptr.length - 1]) ptr.push(items.length);
    current = key;
    items.push(data.item[row]);
    weights.push(weight);
  }
  if (items.length > ptr[ptr.length - 1]) ptr.push(items.length);
  return { ptr: Int32Array.from(ptr), items: Int32Array.from(items), weights: Float32Array.from(weights) };
}

/** One group per user: their whole history in time order. */
export function userGroups(data: Interactions, eventWeights: Float32Array): Groups {
  return collect(data, Array.from(data.user.keys()), (row) => data.user[row], eventWeights);
}

/** One group per basket (order or cart); rows without a basket are left out. */
export function basketGroups(data: Interactions, eventWeights: Float32Array): Groups {
  const rows = Array.from(data.basket.keys()).filter((r) => data.basket[r] >= 0);
  rows.sort((a, b) => data.basket[a] - data.basket[b] || a - b);
  return collect(data, rows, (row) => data.basket[row], eventWeights);
}
