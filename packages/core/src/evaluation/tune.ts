import type { Interactions } from '../data/interactions.js';
import {
  USER_PERSONALIZATION_DEFAULTS,
  UserPersonalizationRecipe,
  type UserPersonalizationParams,
} from '../recipes/user-personalization.js';
import { measureFitted, type EvaluationOptions } from './evaluate.js';
import { leaveLastOut } from './split.js';

type Blend = UserPersonalizationParams['blend'];

/**
 * Blends of user-personalization's three terms worth trying: the default, each term alone, and mixes that
 * lean to the session neighbours (anonymous sessions) or to the factors (long histories).
 */
export const BLEND_GRID: readonly Blend[] = [
  USER_PERSONALIZATION_DEFAULTS.blend,
  { factors: 1, items: 0, sessions: 0 },
  { factors: 0, items: 1, sessions: 0 },
  { factors: 0, items: 0, sessions: 1 },
  { factors: 0.1, items: 0.2, sessions: 0.7 },
  { factors: 0.2, items: 0.6, sessions: 0.2 },
  { factors: 0.5, items: 0.25, sessions: 0.25 },
];

/** Validation cases measured per blend at most. */
export const MAX_VALIDATION_CASES = 20_000;

export interface BlendTuning {
  blend: Blend;
  /** The metric each blend reached on the validation cases, best first. */
  validation: { blend: Blend; value: number }[];
  metric: string;
  validationCases: number;
  seconds: number;
}

/**
 * Chooses user-personalization's blend on a validation split carved out of the training data (each shopper's
 * last training event), never looking at the test cases. The model is fitted once; the blend only weighs its
 * terms at query time, so each candidate costs one ranking pass.
 */
export async function tuneBlend(
  train: Interactions,
  params: Partial<UserPersonalizationParams>,
  o: Omit<EvaluationOptions, 'fitOn'> & { metric?: string; grid?: readonly Blend[]; maxCases?: number },
): Promise<BlendTuning> {
  const t0 = performance.now();
  const metric = o.metric ?? `ndcg@${Math.max(...o.ks)}`;
  const validation = leaveLastOut(train, { excludeSeen: o.excludeSeen });
  // An evenly spaced sample of the cases is enough to tell blends apart, and keeps tuning cheap on big data.
  const step = Math.max(1, Math.ceil(validation.cases.length / (o.maxCases ?? MAX_VALIDATION_CASES)));
  const cases = validation.cases.filter((_, i) => i % step === 0);
  // Fitted with every term on (a zero weight skips fitting its term), then weighed per candidate blend.
  const recipe = new UserPersonalizationRecipe({ ...params, blend: USER_PERSONALIZATION_DEFAULTS.blend });
  await recipe.fit(validation.train, { threads: o.threads });
  const results: BlendTuning['validation'] = [];
  for (const blend of o.grid ?? BLEND_GRID) {
    recipe.params.blend = { ...blend };
    const measured = await measureFitted(recipe, validation.train, cases, o);
    results.push({ blend: { ...blend }, value: measured.metrics[metric] });
  }
  results.sort((a, b) => b.value - a.value);
  return {
    blend: results[0].blend,
    validation: results,
    metric,
    validationCases: cases.length,
    seconds: (performance.now() - t0) / 1000,
  };
}
