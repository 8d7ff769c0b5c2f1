import type { Interactions } from '../data/interactions.js';
import type { ModelVersion } from '../ports/model-store.js';
import type { RecipeName } from '../recipes/recipe.js';

/** The version record of a model fitted on data in a test. */
export const testVersion = (recipe: RecipeName, data: Interactions, createdAt = 0): ModelVersion => ({
  id: `${recipe}-test`,
  recipe,
  createdAt,
  params: {},
  metrics: {},
  data: { users: data.userIds.length, items: data.itemIds.length, interactions: data.item.length },
  watermark: 0,
  trainSeconds: 0,
  sizeBytes: 0,
});
