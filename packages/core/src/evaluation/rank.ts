import type { Recipe } from '../recipes/recipe.js';
import { unpackQuery, type PackedQueries } from './packed-queries.js';

/** Top-k item indices for queries start..end-1, flattened (k per query, -1 padded). */
export function rankRange(
  recipe: Recipe,
  queries: PackedQueries,
  start: number,
  end: number,
  k: number,
  excludeSeen: boolean,
): Int32Array {
  const out = new Int32Array((end - start) * k).fill(-1);
  for (let i = start; i < end; i++) {
    const [top] = recipe.recommend([unpackQuery(queries, i)], k, { excludeSeen });
    top.forEach((s, r) => (out[(i - start) * k + r] = s.item));
  }
  return out;
}
