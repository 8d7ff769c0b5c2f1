import { ItemKnnRecipe } from './item-knn.js';
import { PopularRecipe } from './popular.js';
import { RandomRecipe } from './random.js';
import type { Recipe, RecipeName } from './recipe.js';
import { RECIPE_NAMES } from './recipe.js';
import { decodeSnapshot, type Snapshot } from './snapshot.js';
import { TrendingRecipe } from './trending.js';
import { PersonalizedRankingRecipe, UserPersonalizationRecipe } from './user-personalization.js';

type Params = Record<string, unknown>;
const factories: Record<RecipeName, (params: Params) => Recipe> = {
  popular: (p) => new PopularRecipe(p),
  trending: (p) => new TrendingRecipe(p),
  'similar-items': (p) => new ItemKnnRecipe('similar-items', p),
  'bought-together': (p) => new ItemKnnRecipe('bought-together', p),
  'user-personalization': (p) => new UserPersonalizationRecipe(p),
  'personalized-ranking': (p) => new PersonalizedRankingRecipe(p),
  random: (p) => new RandomRecipe(p),
};

export function isRecipeName(name: string): name is RecipeName {
  return (RECIPE_NAMES as readonly string[]).includes(name);
}

export function createRecipe(name: RecipeName, params: Params = {}): Recipe {
  return factories[name](params);
}

/** A recipe restored from a snapshot (decoded or in its binary form). */
export function loadRecipe(snapshot: Snapshot | Uint8Array): Recipe {
  const s = snapshot instanceof Uint8Array ? decodeSnapshot(snapshot) : snapshot;
  if (!isRecipeName(s.recipe)) throw new Error(`unknown recipe in snapshot: ${s.recipe}`);
  const recipe = createRecipe(s.recipe);
  recipe.load(s);
  return recipe;
}
