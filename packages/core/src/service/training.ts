import { EventCode, shopperKey } from '../domain/events.js';
import { attributesOf, type ItemAttributes } from '../domain/items.js';
import { InteractionsBuilder, numItems, numUsers, type Interactions } from '../data/interactions.js';
import { QualityCounter, type DataQuality } from '../data/formats/quality.js';
import { evaluateRecipe, type RecipeEvaluation } from '../evaluation/evaluate.js';
import { leaveLastOut } from '../evaluation/split.js';
import { tuneBlend } from '../evaluation/tune.js';
import { encodeModel } from '../models/model-package.js';
import type { Stores } from '../ports/stores.js';
import type { ModelVersion } from '../ports/model-store.js';
import type { Recipe, RecipeName } from '../recipes/recipe.js';
import { createRecipe, loadRecipe } from '../recipes/registry.js';

export interface TrainingOptions {
  recipes: readonly RecipeName[];
  /** History older than this many days is left out. */
  windowDays?: number;
  threads?: number;
  now?: number;
  params?: Partial<Record<RecipeName, Record<string, unknown>>>;
  /**
   * Train on events up to this log offset only (Gu passes the processor's position): events appended to the
   * lake while it is read are left to the replay at promotion, so none is half seen.
   */
  upTo?: number;
  /** Measure each recipe offline before training it for serving (default true); off, versions carry no metrics. */
  evaluate?: boolean;
  /** Choose user-personalization's blend on a validation split first (see tuneBlend); default off. */
  tune?: boolean;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface TrainingData {
  data: Interactions;
  quality: DataQuality;
  /** The newest log offset in the data. */
  watermark: number;
}

/**
 * The training set from the data lake: shoppers' events (deduplicated by eventId) joined with the catalog, whose
 * items all join the ranking, sold or not. Events naming an item the catalog does not know count as invalid
 * in the quality report (when there is a catalog).
 */
export async function loadTrainingData(stores: Stores, o: TrainingOptions): Promise<TrainingData> {
  await stores.lake.flush();
  const now = o.now ?? Date.now();
  const from = new Date(now - (o.windowDays ?? 365) * 86_400_000).toISOString().slice(0, 10);
  const catalog = await stores.catalog.all();
  const known = new Set(catalog.map((i) => i.itemId));
  const builder = new InteractionsBuilder();
  for (const item of catalog) builder.items.intern(item.itemId);
  const quality = new QualityCounter();
  const seen = new Set<string>();
  let watermark = 0;
  let row = 0;
  for await (const e of stores.lake.scan(from)) {
    if (o.upTo !== undefined && e.offset > o.upTo) continue;
    row++;
    watermark = Math.max(watermark, e.offset);
    if (!e.itemId || seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    if (known.size && !known.has(e.itemId)) quality.reject('item not in the catalog', row);
    else {
      builder.add(shopperKey(e), e.itemId, e.timestamp, EventCode[e.eventType], e.orderId);
      quality.ok();
    }
  }
  const info: (ItemAttributes | undefined)[] = [];
  for (const item of catalog) info[builder.items.get(item.itemId)] = attributesOf(item);
  return { data: builder.build(info), quality: quality.report(), watermark };
}

let sequence = 0;
const versionId = (recipe: RecipeName, now: number) =>
  `${recipe}-${new Date(now).toISOString().replace(/\D/g, '').slice(0, 14)}-${(++sequence).toString(36)}`;

/**
 * Trains each recipe twice: once on all but each shopper's last event to measure it (leave-last-out, full
 * ranking), once on everything to serve. Each result is stored as an immutable model version.
 */
export async function trainVersions(
  stores: Stores,
  training: TrainingData,
  o: TrainingOptions,
): Promise<ModelVersion[]> {
  const { data, watermark } = training;
  const split = (o.evaluate ?? true) ? leaveLastOut(data) : { train: data, cases: [] };
  const versions: ModelVersion[] = [];
  // personalized-ranking is user-personalization's model re-ranking given candidates: with the same
  // parameters it is trained (and measured) once and stored under both names.
  let personal:
    { recipe: Recipe; evaluation?: RecipeEvaluation; trainSeconds: number; params: string } | undefined;
  for (const [r, name] of o.recipes.entries()) {
    const twin = name === 'personalized-ranking' || name === 'user-personalization';
    let params = o.params?.[name] ?? {};
    if (twin && o.tune && !personal) {
      o.onProgress?.(`${name}: tuning the blend`, r, o.recipes.length);
      const tuning = await tuneBlend(split.train, params, {
        ks: [10, 20],
        excludeSeen: true,
        threads: o.threads,
      });
      params = { ...params, blend: tuning.blend };
    }
    if (twin && personal && (o.tune || personal.params === JSON.stringify(params))) {
      const snapshot = { ...personal.recipe.save(), recipe: name };
      const recipe = loadRecipe(snapshot);
      versions.push(await store(recipe, personal.evaluation, personal.trainSeconds));
      continue;
    }
    o.onProgress?.(`${name}: evaluating`, r, o.recipes.length);
    const evaluation =
      (o.evaluate ?? true) && split.cases.length
        ? await evaluateRecipe(createRecipe(name, params), split.train, split.cases, {
            ks: [10, 20],
            excludeSeen: true,
            threads: o.threads,
          })
        : undefined;
    o.onProgress?.(`${name}: training`, r, o.recipes.length);
    const recipe = createRecipe(name, params);
    const t0 = performance.now();
    await recipe.fit(data, { threads: o.threads });
    const trainSeconds = (performance.now() - t0) / 1000;
    if (twin) personal = { recipe, evaluation, trainSeconds, params: JSON.stringify(params) };
    versions.push(await store(recipe, evaluation, trainSeconds));
  }
  o.onProgress?.('done', o.recipes.length, o.recipes.length);
  return versions;

  async function store(recipe: Recipe, evaluation: RecipeEvaluation | undefined, trainSeconds: number) {
    const name = recipe.name;
    const blob = encodeModel(recipe, data.itemIds);
    const now = o.now ?? Date.now();
    const version: ModelVersion = {
      id: versionId(name, now),
      recipe: name,
      createdAt: now,
      params: recipe.params as Record<string, unknown>,
      metrics: evaluation?.metrics ?? {},
      data: { users: numUsers(data), items: numItems(data), interactions: data.item.length },
      watermark,
      trainSeconds,
      sizeBytes: blob.byteLength,
    };
    await stores.models.put(version, blob);
    return version;
  }
}

/** How much worse than the serving version a candidate may be on each gated metric. */
export const GATE_TOLERANCE = 0.05;
/** Accuracy (ndcg) and the bias gate: catalog coverage must not collapse onto a few popular items. */
const GATED_METRICS = ['ndcg@20', 'coverage@20'];

/** Why a candidate may not replace the serving version; empty when it passes. */
export function gateFailures(
  candidate: ModelVersion,
  serving: ModelVersion | undefined,
  tolerance = GATE_TOLERANCE,
): string[] {
  if (!serving) return [];
  if (Object.keys(serving.metrics).length && !Object.keys(candidate.metrics).length)
    return ['the candidate was trained without offline evaluation, so it cannot be compared'];
  return GATED_METRICS.filter((m) => m in serving.metrics && m in candidate.metrics)
    .filter((m) => candidate.metrics[m] < serving.metrics[m] * (1 - tolerance))
    .map(
      (m) =>
        `${m} ${candidate.metrics[m].toFixed(4)} < ${serving.metrics[m].toFixed(4)} − ${tolerance * 100}%`,
    );
}
