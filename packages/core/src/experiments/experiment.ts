import { hashString } from '../data/hash.js';
import { GuError } from '../errors.js';
import type { RecipeName } from '../recipes/recipe.js';
import { PLACEMENTS, type Placement } from '../serving/placements.js';

/** Recipes that can lead a placement's list (personalized-ranking re-ranks a caller's list; random is a baseline). */
export const VARIANT_RECIPES = [
  'user-personalization',
  'similar-items',
  'bought-together',
  'popular',
  'trending',
] as const satisfies readonly RecipeName[];
export type VariantRecipe = (typeof VARIANT_RECIPES)[number];

export const MAX_VARIANTS = 5;
/** The relative lift a test is planned to see unless it says otherwise (its minimumLift). */
export const DEFAULT_MINIMUM_LIFT = 0.1;
/** Names go into recommendation ids (`home.<experiment>.<variant>.<uuid>`): no dots. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

/**
 * One arm of an A/B test: the recipe that leads the placement's list, the version of it (a candidate tried on
 * live traffic before it is promoted; the serving one when absent), and its share of shoppers.
 */
export interface Variant {
  name: string;
  recipe: VariantRecipe;
  modelVersion?: string;
  weight: number;
}

/** An A/B test of recommendation variants on one placement; the first variant is the control. */
export interface Experiment {
  id: string;
  name: string;
  description?: string;
  placement: Placement;
  variants: Variant[];
  /**
   * The smallest relative lift over the control worth finding (0.05 = 5%), which the plan sizes the test for;
   * absent from tests started before it could be chosen, which were planned for DEFAULT_MINIMUM_LIFT.
   */
  minimumLift?: number;
  /** Epoch ms (server time). */
  startedAt: number;
  stoppedAt?: number;
}

/** What a shopper's request is served with while an experiment runs on its placement. */
export interface Arm {
  experiment: string;
  variant: string;
  recipe: VariantRecipe;
  modelVersion?: string;
}

export interface ExperimentDraft {
  name: unknown;
  description?: unknown;
  placement: unknown;
  variants: unknown;
  minimumLift?: unknown;
}

const invalid = (message: string) => new GuError('INVALID_REQUEST', message);

/** A draft checked field by field, with a precise message for the first thing wrong. */
export function checkExperiment(draft: ExperimentDraft, id: string, now: number): Experiment {
  const { name, description, placement, variants, minimumLift = DEFAULT_MINIMUM_LIFT, ...rest } = draft;
  const unknown = Object.keys(rest);
  if (unknown.length) throw invalid(`unknown field ${unknown.join(', ')}`);
  if (typeof name !== 'string' || !name.trim() || name.length > 100)
    throw invalid('name: a text of 1–100 characters');
  if (description !== undefined && (typeof description !== 'string' || description.length > 1000))
    throw invalid('description: a text of at most 1000 characters');
  if (!(PLACEMENTS as readonly unknown[]).includes(placement))
    throw invalid(`placement: one of ${PLACEMENTS.join(', ')}`);
  if (!Array.isArray(variants) || variants.length < 2 || variants.length > MAX_VARIANTS)
    throw invalid(`variants: 2–${MAX_VARIANTS} variants, the first being the control`);
  const checked = variants.map((v: unknown, i): Variant => {
    const at = `variants[${i}]`;
    if (typeof v !== 'object' || v === null)
      throw invalid(`${at}: an object { name, recipe, modelVersion?, weight? }`);
    const { name: vName, recipe, modelVersion, weight = 1, ...rest } = v as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length) throw invalid(`${at}: unknown field ${extra.join(', ')}`);
    if (typeof vName !== 'string' || !NAME.test(vName))
      throw invalid(`${at}.name: 1–32 letters, digits, - or _, starting with a letter or digit`);
    if (!(VARIANT_RECIPES as readonly unknown[]).includes(recipe))
      throw invalid(`${at}.recipe: one of ${VARIANT_RECIPES.join(', ')}`);
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0.01 || weight > 100)
      throw invalid(`${at}.weight: a number from 0.01 to 100`);
    if (
      modelVersion !== undefined &&
      (typeof modelVersion !== 'string' || !modelVersion || modelVersion.length > 256)
    )
      throw invalid(`${at}.modelVersion: the id of a ${String(recipe)} model version`);
    return {
      name: vName,
      recipe: recipe as VariantRecipe,
      ...(modelVersion ? { modelVersion } : {}),
      weight,
    };
  });
  if (typeof minimumLift !== 'number' || !(minimumLift >= 0.01 && minimumLift <= 1))
    throw invalid('minimumLift: a relative lift from 0.01 to 1 (0.1 = 10%)');
  const names = checked.map((v) => v.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw invalid(`variants: the name ${twice} is used twice`);
  return {
    id,
    name: name.trim(),
    ...(description ? { description: description as string } : {}),
    placement: placement as Placement,
    variants: checked,
    minimumLift,
    startedAt: now,
  };
}

/** The variant a shopper (by shopperKey) sees, chosen by hash in proportion to the weights. */
export function assign(experiment: Experiment, shopper: string): Variant {
  const total = experiment.variants.reduce((s, v) => s + v.weight, 0);
  // Hashed with the experiment's id: experiments split the same shoppers independently of each other.
  let point = ((hashString(`${experiment.id}:${shopper}`) >>> 0) / 2 ** 32) * total;
  for (const v of experiment.variants) {
    if (point < v.weight) return v;
    point -= v.weight;
  }
  return experiment.variants[experiment.variants.length - 1];
}
