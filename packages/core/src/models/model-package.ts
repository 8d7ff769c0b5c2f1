import type { Recipe } from '../recipes/recipe.js';
import { loadRecipe } from '../recipes/registry.js';
import { decodeSnapshot, encodeSnapshot } from '../recipes/snapshot.js';

/** A trained recipe with the item ids its indices stand for: the bytes a model version stores. */
export function encodeModel(recipe: Recipe, itemIds: readonly string[]): Uint8Array {
  return encodeSnapshot({
    recipe: 'model-package',
    params: {},
    state: { itemIds },
    arrays: { model: encodeSnapshot(recipe.save()) },
  });
}

export function decodeModel(blob: Uint8Array): { recipe: Recipe; itemIds: string[] } {
  const pkg = decodeSnapshot(blob);
  if (pkg.recipe !== 'model-package') throw new Error('these bytes are not a Gu model package');
  return { recipe: loadRecipe(pkg.arrays.model as Uint8Array), itemIds: pkg.state.itemIds as string[] };
}
