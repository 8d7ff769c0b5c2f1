import { EventCode, shopperKey } from '../domain/events.js';
import type { Item } from '../domain/items.js';
import {
  MAX_EVENTS_PER_BATCH,
  validateBatch,
  validateEvent,
  validateItem,
  validateUser,
  type BatchResult,
} from '../domain/validation.js';
import { GuError } from '../errors.js';
import { LiveModel } from '../models/live-model.js';
import { encodeModel } from '../models/model-package.js';
import { DATA_LAKE_RETENTION_DAYS, dayOf } from '../ports/data-lake.js';
import { EVENT_LOG_RETENTION_MS, type LoggedEvent } from '../ports/event-log.js';
import { EVENT_STORE_TTL_MS } from '../ports/event-store.js';
import type { ModelVersion } from '../ports/model-store.js';
import type { Stores } from '../ports/stores.js';
import type { RecipeName } from '../recipes/recipe.js';
import { RECIPE_NAMES } from '../recipes/recipe.js';
import { Experiments } from '../experiments/experiments.js';
import type { Experiment } from '../experiments/experiment.js';
import { KpiTracker } from '../realtime/kpis.js';
import { StreamProcessor } from '../realtime/processor.js';
import { ShopperStates } from '../realtime/shopper-states.js';
import { CatalogIndex } from '../serving/catalog-index.js';
import { checkFilter, type FilterDefinition } from '../serving/filters.js';
import { AnswerCache } from '../serving/answer-cache.js';
import { newRecommendationId, type Placement } from '../serving/placements.js';
import { HomeLists } from '../serving/home-lists.js';
import { prepareHomeLists, type HomePreparation } from '../serving/home-list-preparation.js';
import { defaultThreads } from '../parallel/pool.js';
import {
  Recommender,
  type ModelSet,
  fullRequest,
  type RecommendationRequest,
  type Recommendations,
  type RecommendedItem,
  type ServingArm,
} from '../serving/recommender.js';
import { runSteps } from './steps.js';
import { gateFailures, loadTrainingData, trainVersions, type TrainingOptions } from './training.js';

/** Seconds since it was made, to the hundredth. */
function stopwatch(): () => number {
  const t0 = performance.now();
  return () => Math.round((performance.now() - t0) / 10) / 100;
}

export interface GuOptions {
  deadlineMs?: number;
  cacheSize?: number;
  /** Cached answers live at most this long (the shopper's own events invalidate theirs at once). */
  cacheTtlMs?: number;
  now?: () => number;
  onModelError?: (error: unknown) => void;
  onProcessorError?: (error: unknown) => void;
  onBatch?: (events: readonly LoggedEvent[]) => void;
  /**
   * Worker threads that rank every shopper's home list in the background whenever a user-personalization
   * model starts serving or prepareHomeLists is called (default: one fewer than the cores, at least one); 0
   * leaves every list to be ranked by its first request.
   */
  homeListThreads?: number;
  /** Home lists older than this are ranked again at the next request (default 12 hours). */
  homeListMaxAgeMs?: number;
  /** Told how far the background preparation of home lists is. */
  onHomeListProgress?: (done: number, total: number) => void;
  /**
   * Told what open() has done, as it goes (pino's order: figures, then the message): rebuilding the state of
   * a month of events keeps a server from answering for a while, which its log should say.
   */
  onOpening?: (figures: Record<string, number | string[]>, message: string) => void;
  /**
   * A serving replica, or the CLI beside a running server: its state follows a log and stores that another Gu
   * (the writer) owns. It may train, promote and roll back model versions (the writer's processes pick those
   * up from the model store); every other change is the writer's, refused here (READ_ONLY), and reaches it
   * through apply().
   */
  follower?: boolean;
  /** Told of every change the replicas must apply (the writer's side of apply()). */
  onChange?: (change: GuChange) => void;
  /** Where served answers are counted (default: this Gu's KPIs); a replica counts them at the writer's. */
  recordServed?: (placement: Placement, tookMs: number, fallback: boolean) => void;
}

/**
 * What a writer changed that a serving replica cannot see by following the log alone: its in-memory catalog,
 * filters, models and erased shoppers. `appended` says there is more in the log to follow.
 */
export type GuChange =
  | { kind: 'appended' }
  | { kind: 'items'; items: Item[] }
  | { kind: 'unavailable'; itemId: string }
  | { kind: 'filters' }
  /** Experiments changed; every list of one started now comes after the log's offset `since`. */
  | { kind: 'experiments'; since: number }
  | { kind: 'models' }
  | { kind: 'erased'; shoppers: string[] };

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: BatchResult<unknown>['rejected'];
}

export interface TrainingReport {
  versions: ModelVersion[];
  promoted: string[];
  /** Versions kept out of serving by the gate, with the reasons. */
  held: { id: string; reasons: string[] }[];
  quality: Awaited<ReturnType<typeof loadTrainingData>>['quality'];
}

/** Every recipe but the random baseline, which nobody serves. */
export const DEFAULT_TRAINING_RECIPES: RecipeName[] = RECIPE_NAMES.filter((r) => r !== 'random');

/**
 * Gu's use cases over its ports: ingest, real-time state, serving, catalog and users, models and their
 * promotion. Protocol adapters (HTTP, WebSocket, CLI) call these and nothing else.
 */
export class Gu {
  readonly homeLists = new HomeLists();
  readonly states = new ShopperStates((key) => this.homeLists.delete(key));
  readonly catalog = new CatalogIndex();
  readonly processor: StreamProcessor;
  readonly kpis: KpiTracker;
  readonly experiments: Experiments;
  readonly recommender: Recommender;
  private models: ModelSet = {};
  /** Model versions that running experiments' variants serve, by version id. */
  private experimentModels = new Map<string, LiveModel>();
  private filters = new Map<string, FilterDefinition>();
  private cache: AnswerCache;
  private training?: Promise<TrainingReport>;
  private generation = 0;
  private homeRun = 0;
  private closed = false;
  private homeJob?: Promise<HomePreparation | undefined>;
  /** The last finished preparation of home lists, for the status page. */
  lastHomePreparation?: HomePreparation;

  private constructor(
    readonly stores: Stores,
    private readonly options: GuOptions,
  ) {
    this.cache = new AnswerCache(options.cacheSize ?? 10_000, options.cacheTtlMs ?? 60_000, () => this.now());
    this.kpis = new KpiTracker(() => this.now());
    this.experiments = new Experiments(stores.meta, {
      now: () => this.now(),
      prepare: (e) => this.prepareExperiment(e),
      settle: () => this.processor.drain(),
      abandoned: () => this.dropExperimentModels(),
      onChange: () => {
        this.dropExperimentModels();
        this.changed({ kind: 'experiments', since: this.processor.position });
      },
      follower: options.follower,
    });
    const live = () => [...Object.values(this.models), ...this.experimentModels.values()];
    this.processor = new StreamProcessor(stores, this.states, live, {
      now: options.now,
      follower: options.follower,
      onError: options.onProcessorError,
      // Told of each event once, those the state is rebuilt from on start included: the experiments' and the
      // live figures count what came before a restart too.
      onApply: (e) => {
        this.experiments.record(e);
        this.kpis.recordEvent(e);
      },
      onMerge: (session, user) => this.kpis.merge(session, user),
      onBatch: options.onBatch,
    });
    this.recommender = new Recommender({
      models: () => this.models,
      catalog: this.catalog,
      states: this.states,
      filters: () => this.filters,
      deadlineMs: options.deadlineMs ?? 50,
      onModelError: options.onModelError,
      homeLists: this.homeLists,
      homeListMaxAgeMs: options.homeListMaxAgeMs,
      now: () => this.now(),
    });
  }

  /** Loads the catalog, filters and serving models, and rebuilds real-time state from the stores. */
  static async open(stores: Stores, options: GuOptions = {}): Promise<Gu> {
    const gu = new Gu(stores, options);
    const told = options.onOpening ?? (() => undefined);
    let took = stopwatch();
    gu.catalog.upsert(await stores.catalog.all());
    await gu.loadFilters();
    told({ items: gu.catalog.size, seconds: took() }, 'catalog loaded');
    // Before the processor's start, which recounts running experiments from the event store: the experiments
    // are loaded, and the days before the store's are counted from the lake, so that events come in time order.
    await gu.experiments.load();
    const horizon = gu.now() - EVENT_STORE_TTL_MS;
    took = stopwatch();
    const recounted = await gu.experiments.recountBefore(horizon, stores.lake);
    if (recounted) told({ events: recounted, seconds: took() }, 'long experiments recounted from the lake');
    took = stopwatch();
    await gu.processor.start(horizon, (step, events) => {
      if (step === 'rebuilding') told({ events, seconds: took() }, 'rebuilding real-time state');
      else if (step === 'rebuilt') {
        told(
          { events, shoppers: gu.states.size, seconds: took() },
          'real-time state rebuilt from the event store',
        );
        took = stopwatch();
      } else if (events)
        told({ events, seconds: took() }, 'events logged after the last checkpoint processed');
    });
    took = stopwatch();
    const recipes = await gu.syncServing();
    await gu.syncExperimentModels();
    if (recipes.length) told({ recipes, seconds: took() }, 'serving models loaded');
    await gu.processor.wake();
    gu.warmUp();
    return gu;
  }

  /**
   * Answers a few requests of each placement before shoppers do: the per-model caches (unavailable items,
   * best-seller lists) and the JIT are then ready, so that the first real answer is not a fallback.
   */
  warmUp(): void {
    const key = this.states.any();
    const shopper = key?.startsWith('u:') ? { userId: key.slice(2) } : key ? { sessionId: key.slice(2) } : {};
    const itemId = this.states.get(key ?? '')?.recent.items.at(-1) ?? this.catalog.all().next().value?.itemId;
    for (let round = 0; round < 20; round++)
      for (const placement of ['home', 'pdp', 'cart'] as const)
        if (placement !== 'pdp' || itemId)
          this.recommender.recommend({ ...shopper, placement, itemId, n: 10, explain: true });
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async loadFilters(): Promise<void> {
    const defs = await this.stores.meta.list<FilterDefinition>('filter/');
    this.filters = new Map(defs.map(([, def]) => [def.name, def]));
  }

  private changed(change: GuChange): void {
    this.options.onChange?.(change);
  }

  /** A replica applies what its writer changed (GuChange); the log itself it follows on `appended`. */
  async apply(change: GuChange): Promise<void> {
    switch (change.kind) {
      case 'appended':
        return this.processor.wake();
      case 'items':
        this.catalog.upsert(change.items);
        return;
      case 'unavailable':
        this.catalog.markUnavailable(change.itemId);
        return;
      case 'filters':
        await this.loadFilters();
        this.cache.clear();
        return;
      case 'experiments':
        // A pass can outrun the change: events this process applied before it knew a new experiment are
        // replayed into its tally, so that it knows who was exposed, and counts, as the writer does.
        await this.processor.exclusive(async () => {
          for (const id of await this.experiments.load()) await this.replayExperiment(id, change.since);
        });
        return this.syncExperimentModels();
      case 'models':
        await this.syncServing();
        return;
      case 'erased':
        // Everything the writer processed before the erasure is applied first, as the writer did.
        await this.processor.drainThen(() => this.forget(change.shoppers));
    }
  }

  // ── Ingest ────────────────────────────────────────────────────────────────────────────────────────────

  /** Validates each event, appends the valid ones durably, and only then answers (PRODUCT.md §3). */
  async ingest(batch: readonly unknown[]): Promise<IngestResult> {
    this.writable('events');
    if (batch.length < 1 || batch.length > MAX_EVENTS_PER_BATCH)
      throw new GuError(
        'INVALID_REQUEST',
        `a batch holds 1–${MAX_EVENTS_PER_BATCH} events, not ${batch.length}`,
      );
    const receivedAt = this.now();
    const { valid, rejected } = validateBatch(batch, (e) => validateEvent(e, receivedAt), 'eventId');
    const { appended, duplicates } = valid.length
      ? await this.stores.log.append(valid)
      : { appended: 0, duplicates: [] };
    if (appended) {
      void this.processor.wake();
      this.changed({ kind: 'appended' });
    }
    return { accepted: valid.length, duplicates: duplicates.length, rejected };
  }

  // ── Serving ───────────────────────────────────────────────────────────────────────────────────────────

  /** The answer; while an experiment runs on the placement, in the shopper's variant of it. */
  recommend(request: RecommendationRequest): Recommendations {
    const req = fullRequest(request);
    const arm = this.armOf(req);
    const value = this.recommender.prepared(req, arm) ?? this.cachedOrRanked(req, arm);
    if (this.options.recordServed) this.options.recordServed(value.placement, value.tookMs, value.fallback);
    else this.kpis.recordServed(value.placement, value.tookMs, value.fallback);
    return value;
  }

  /**
   * Answers other than prepared home lists go through the hot-key cache. A shopper Gu knows nothing of gets
   * the same answer as any other, so such requests share one key whoever asks: product pages seen by
   * first-time visitors, much of a shop's traffic, are its hot keys.
   */
  private cachedOrRanked(req: RecommendationRequest, arm: ServingArm | undefined): Recommendations {
    const shopper = req.userId || req.sessionId ? shopperKey(req) : undefined;
    const version = shopper ? this.states.version(shopper) : undefined;
    const key = [
      req.placement,
      version === undefined ? '' : shopper,
      req.itemId ?? '',
      req.n,
      req.filter ?? '',
      req.filterValues ? JSON.stringify(req.filterValues) : '',
      req.explain ? 1 : 0,
      version ?? 0,
      this.generation,
      this.catalog.version,
      arm ? `${arm.experiment}.${arm.variant}` : '',
    ].join('|');
    const hit = this.cache.get(key);
    if (hit) return { ...hit, recommendationId: newRecommendationId(req.placement, arm), tookMs: 0 };
    const value = this.recommender.ranked(req, arm);
    if (!value.fallback) this.cache.offer(key, value);
    return value;
  }

  get cacheStats(): { hits: number; misses: number; size: number } {
    return this.cache.stats;
  }

  similar(itemId: string, n: number): RecommendedItem[] {
    return this.recommender.similar(itemId, n, 'similar-items');
  }

  boughtTogether(itemId: string, n: number): RecommendedItem[] {
    return this.recommender.similar(itemId, n, 'bought-together');
  }

  top(recipe: 'popular' | 'trending', n: number, category?: string): RecommendedItem[] {
    return this.recommender.top(recipe, n, category || undefined);
  }

  rank(shopper: { userId?: string; sessionId?: string }, itemIds: readonly string[]): RecommendedItem[] {
    return this.recommender.rankFor(shopper, itemIds);
  }

  /** The shopper's arm of the experiment running on the placement, with its variant's model version. */
  private armOf(req: RecommendationRequest): ServingArm | undefined {
    const arm = this.experiments.arm(req.placement, req);
    if (!arm?.modelVersion) return arm;
    // While the version is not loaded (a replica still loading it, a version that failed to load) the shopper
    // gets the default answer, outside the test: the serving model must not be counted under the variant.
    const model = this.experimentModels.get(arm.modelVersion);
    return model && { ...arm, model };
  }

  /** A follower only trains, promotes and rolls back: every other change is its writer's, told it by apply(). */
  private writable(what: string): void {
    if (this.options.follower)
      throw new GuError('READ_ONLY', `${what} goes to the writer: this process only follows its stores`);
  }

  // ── Experiments ───────────────────────────────────────────────────────────────────────────────────────

  /** The log after offset `since`, up to the processor's position, into one experiment's tally. */
  private async replayExperiment(id: string, since: number): Promise<void> {
    for await (const batch of this.appliedSince(since)) this.experiments.replay(id, batch);
  }

  /** A new experiment's model versions must exist, be of their variant's recipe, and load. */
  private async prepareExperiment(e: Experiment): Promise<void> {
    for (const [i, v] of e.variants.entries()) {
      if (!v.modelVersion) continue;
      const version = await this.stores.models.get(v.modelVersion);
      if (!version)
        throw new GuError(
          'INVALID_REQUEST',
          `variants[${i}].modelVersion: no model version ${v.modelVersion}`,
        );
      if (version.recipe !== v.recipe)
        throw new GuError(
          'INVALID_REQUEST',
          `variants[${i}].modelVersion: ${v.modelVersion} is a ${version.recipe} model, not ${v.recipe}`,
        );
    }
    await this.loadExperimentModels(e.variants.flatMap((v) => v.modelVersion ?? []));
  }

  /** Loads model versions for experiments, between processor passes (as promote does), once each. */
  private loadExperimentModels(ids: readonly string[]): Promise<void> {
    return this.processor.exclusive(async () => {
      for (const id of ids)
        if (!this.experimentModels.has(id)) this.experimentModels.set(id, await this.loadModel(id));
    });
  }

  /** Lets go of the model versions no running experiment serves. */
  private dropExperimentModels(): void {
    const wanted = this.experiments.modelVersions();
    for (const id of this.experimentModels.keys()) if (!wanted.has(id)) this.experimentModels.delete(id);
  }

  /**
   * Serves what the running experiments name (on start, and on a replica when the writer changed them); a
   * version that cannot load is reported, and its variant's shoppers get the default answer (armOf).
   */
  private async syncExperimentModels(): Promise<void> {
    this.dropExperimentModels();
    for (const id of this.experiments.modelVersions())
      await this.loadExperimentModels([id]).catch((error) => this.options.onModelError?.(error));
  }

  // ── Catalog and users ─────────────────────────────────────────────────────────────────────────────────

  async putItems(batch: readonly unknown[]): Promise<BatchResult<Item>> {
    this.writable('the catalog');
    const result = validateBatch(batch, (i) => validateItem(i, this.now()), 'itemId');
    if (result.valid.length) {
      await this.stores.catalog.upsert(result.valid);
      this.catalog.upsert(result.valid);
      this.changed({ kind: 'items', items: result.valid });
    }
    return result;
  }

  async deleteItem(itemId: string): Promise<void> {
    this.writable('the catalog');
    if (!(await this.stores.catalog.markUnavailable(itemId)))
      throw new GuError('UNKNOWN_ITEM', `no item ${itemId}`);
    this.catalog.markUnavailable(itemId);
    this.changed({ kind: 'unavailable', itemId });
  }

  async putUsers(batch: readonly unknown[]): Promise<BatchResult<unknown>> {
    this.writable('users');
    const result = validateBatch(batch, (u) => validateUser(u, this.now()), 'userId');
    if (result.valid.length) await this.stores.users.upsert(result.valid);
    return result;
  }

  /** What this process holds of erased shoppers in memory: their state, exposures, live figures, answers. */
  private forget(shoppers: readonly string[]): void {
    for (const key of shoppers) this.states.erase(key);
    this.experiments.erase(shoppers);
    this.kpis.erase(shoppers);
    this.cache.clear();
  }

  /**
   * Erasure (PRODUCT.md §6): the user, their linked sessions, their events in the log, the event store and the
   * lake, and their real-time state. Models trained on them are derived data: the next training no longer
   * sees them, so the erasure is recorded for the retraining schedule to act on.
   */
  async deleteUser(userId: string): Promise<{ events: number }> {
    this.writable('an erasure');
    const sessions = await this.stores.users.sessions(userId);
    const known = (await this.stores.users.get(userId)) !== undefined;
    // Everything already accepted is processed first, and no pass runs while the stores are erased.
    const [log, timeline, lake] = await this.processor.drainThen(async () => {
      const erased = await Promise.all([
        this.stores.log.erase(userId, sessions),
        this.stores.events.erase([`u:${userId}`, ...sessions.map((s) => `s:${s}`)]),
        this.stores.lake.erase(userId, sessions),
      ]);
      await this.stores.users.erase(userId);
      const shoppers = [`u:${userId}`, ...sessions.map((s) => `s:${s}`)];
      this.forget(shoppers);
      this.changed({ kind: 'erased', shoppers });
      return erased;
    });
    if (!known && log + timeline + lake === 0) throw new GuError('UNKNOWN_USER', `no user ${userId}`);
    await this.stores.meta.set('erasure/pending', { since: this.now() });
    return { events: log };
  }

  /**
   * Retention (PRODUCT.md §3): the event store keeps 30 days of events and the lake 365 days of partitions,
   * the windows that the real-time state (rebuilt on start) and training read; the log keeps a week of what
   * the processor has checkpointed past (EVENT_LOG_RETENTION_MS). Resolves with what went.
   */
  async expire(): Promise<{ logged: number; events: number; partitions: string[] }> {
    this.writable('retention');
    const now = this.now();
    const logged = await this.stores.log.trim(now - EVENT_LOG_RETENTION_MS, this.processor.checkpointed);
    const events = await this.stores.events.expire(now - EVENT_STORE_TTL_MS);
    const partitions = await this.stores.lake.expire(dayOf(now - DATA_LAKE_RETENTION_DAYS * 86_400_000));
    return { logged, events, partitions };
  }

  // ── Filters ───────────────────────────────────────────────────────────────────────────────────────────

  listFilters(): FilterDefinition[] {
    return [...this.filters.values()];
  }

  async putFilter(def: FilterDefinition): Promise<FilterDefinition> {
    this.writable('a filter');
    const checked = checkFilter(def);
    await this.stores.meta.set(`filter/${checked.name}`, checked);
    this.filters.set(checked.name, checked);
    this.cache.clear();
    this.changed({ kind: 'filters' });
    return checked;
  }

  async deleteFilter(name: string): Promise<void> {
    this.writable('a filter');
    if (!this.filters.delete(name)) throw new GuError('UNKNOWN_FILTER', `no filter named ${name}`);
    await this.stores.meta.delete(`filter/${name}`);
    this.cache.clear(); // cached answers under the filter must not outlive it
    this.changed({ kind: 'filters' });
  }

  // ── Models ────────────────────────────────────────────────────────────────────────────────────────────

  /** Serving version per recipe. */
  serving(): Partial<Record<RecipeName, ModelVersion>> {
    return Object.fromEntries(Object.entries(this.models).map(([r, m]) => [r, m!.version]));
  }

  /** Loads a version and replays the log since its training into it, up to the processor's position. */
  private async loadModel(id: string): Promise<LiveModel> {
    const version = await this.stores.models.get(id);
    if (!version) throw new GuError('UNKNOWN_MODEL', `no model version ${id}`);
    const live = new LiveModel(version, await this.stores.models.blob(id));
    const recent = new Map<string, string[]>();
    for await (const batch of this.appliedSince(live.appliedOffset)) {
      live.update(batch, (e) => {
        const key = shopperKey(e);
        const before = recent.get(key) ?? [];
        if (e.itemId && EventCode[e.eventType] !== EventCode.remove_from_cart)
          recent.set(key, [...before, e.itemId].slice(-30));
        return before;
      });
      live.appliedOffset = batch[batch.length - 1].offset;
    }
    return live;
  }

  /**
   * The log after offset `after`, in batches, up to the processor's position: what this process has applied
   * already, for what joins late (a model version loading, an experiment learnt of after its first events).
   */
  private async *appliedSince(after: number): AsyncGenerator<LoggedEvent[]> {
    while (after < this.processor.position) {
      const batch = (await this.stores.log.read(after, 5000)).filter(
        (e) => e.offset <= this.processor.position,
      );
      if (!batch.length) return;
      yield batch;
      after = batch[batch.length - 1].offset;
    }
  }

  /**
   * Serves a version of its recipe, atomically: requests see either the old model or the new one, never a
   * half-loaded one, and a failure to record the change puts the old one back.
   */
  async promote(id: string): Promise<ModelVersion> {
    // The version already serving (a second click): nothing to load, swap or record, and no user-personalization
    // home lists ranked anew for every shopper.
    const serving = Object.values(this.models).find((m) => m?.version.id === id);
    if (serving) return serving.version;
    let live: LiveModel | undefined;
    let previous: LiveModel | undefined;
    let recipe: RecipeName | undefined;
    // Between processor passes, so every event is applied to the old model or to the new one (PRODUCT.md §3).
    await this.processor.exclusive(() =>
      runSteps([
        {
          name: 'load',
          invoke: async () => {
            live = await this.loadModel(id);
            recipe = live.version.recipe;
          },
        },
        {
          name: 'swap',
          invoke: () => {
            previous = this.models[recipe!];
            this.serve({ ...this.models, [recipe!]: live });
          },
          compensate: () => {
            // A recipe that served nothing before serves nothing again (no key left holding undefined).
            const models = { ...this.models };
            if (previous) models[recipe!] = previous;
            else delete models[recipe!];
            this.serve(models);
          },
        },
        { name: 'record', invoke: () => this.stores.models.promote(recipe!, id) },
      ]),
    );
    this.changed({ kind: 'models' });
    return live!.version;
  }

  /** Swaps the serving set; a new user-personalization model gets every shopper's home list ranked anew. */
  private serve(models: ModelSet): void {
    const personal = this.models['user-personalization'];
    this.models = models;
    this.generation++;
    if (models['user-personalization'] !== personal) void this.prepareHomeLists();
  }

  /**
   * Ranks the home list of every shopper with history in the background, on worker threads, with the serving
   * user-personalization model; a newer call (or another model) supersedes a running one. Resolves with what
   * was done, or undefined when there is nothing to do.
   */
  prepareHomeLists(): Promise<HomePreparation | undefined> {
    const run = ++this.homeRun;
    const previous = this.homeJob ?? Promise.resolve(undefined);
    // One core is left to serving by default.
    const threads = this.options.homeListThreads ?? Math.max(1, defaultThreads() - 1);
    const superseded = (model: LiveModel) => () =>
      run !== this.homeRun || this.closed || this.models['user-personalization'] !== model;
    const job = (async () => {
      await previous; // one preparation at a time: the superseded one stops first
      const basis = this.recommender.homeBasis();
      if (!basis || threads === 0 || superseded(basis.model)()) return undefined;
      const result = await prepareHomeLists({
        ...basis,
        // The model as it serves, with the updates applied since its training, not the stored version.
        blob: encodeModel(basis.model.recipe, basis.model.itemIds),
        states: this.states,
        lists: this.homeLists,
        threads,
        now: () => this.now(),
        superseded: superseded(basis.model),
        onProgress: this.options.onHomeListProgress,
      });
      this.lastHomePreparation = result;
      return result;
    })();
    this.homeJob = job.catch((error) => {
      this.options.onModelError?.(error);
      return undefined;
    });
    return this.homeJob;
  }

  /** Serves the previous version of a recipe again. */
  async rollback(recipe: RecipeName): Promise<ModelVersion> {
    const current = this.models[recipe];
    if (!current) throw new GuError('NO_MODEL', `no ${recipe} model is serving`);
    const previousId = await this.stores.models.rollback(recipe);
    if (!previousId)
      throw new GuError('NO_PREVIOUS_MODEL', `${recipe} has no version before ${current.version.id}`);
    const version = await this.processor.exclusive(async () => {
      const live = await this.loadModel(previousId).catch(async (error) => {
        await this.stores.models.promote(recipe, current.version.id); // undo the rollback record
        throw error;
      });
      this.serve({ ...this.models, [recipe]: live });
      return live.version;
    });
    this.changed({ kind: 'models' });
    return version;
  }

  /**
   * Serves what the model store says is serving, loading what changed: promotions made by another process
   * (the CLI, a training job elsewhere) take effect here. Resolves with the recipes swapped.
   */
  async syncServing(): Promise<RecipeName[]> {
    const changedIn = async () =>
      (Object.entries(await this.stores.models.serving()) as [RecipeName, string][]).filter(
        ([recipe, id]) => this.models[recipe]?.version.id !== id,
      );
    if (!(await changedIn()).length) return [];
    // Like promote: between processor passes, reading the store again inside so that a promotion or rollback
    // that ran meanwhile is not undone by a stale read.
    return this.processor.exclusive(async () => {
      const swapped: RecipeName[] = [];
      for (const [recipe, id] of await changedIn()) {
        try {
          const live = await this.loadModel(id);
          this.serve({ ...this.models, [recipe]: live });
          swapped.push(recipe);
        } catch (error) {
          // One model that cannot load must not take the others down: its recipe keeps what it served.
          this.options.onModelError?.(error);
        }
      }
      if (swapped.length) this.changed({ kind: 'models' });
      return swapped;
    });
  }

  get trainingRunning(): boolean {
    return this.training !== undefined;
  }

  /**
   * Trains new versions from the lake and promotes those that pass the quality gate (or all of them, or none).
   * One training runs at a time.
   */
  async train(
    options: Partial<TrainingOptions> & { promote?: 'gate' | 'always' | 'never' } = {},
  ): Promise<TrainingReport> {
    if (this.training) throw new GuError('TRAINING_RUNNING');
    const run = async (): Promise<TrainingReport> => {
      await this.processor.drain();
      // An option given as undefined (an absent flag) keeps its default instead of erasing it.
      const o: TrainingOptions = {
        ...options,
        recipes: options.recipes ?? DEFAULT_TRAINING_RECIPES,
        now: options.now ?? this.now(),
        // The processor keeps running while the lake is read: the watermark must be a point the lake is
        // complete up to, or events landing in partitions already read would be neither trained on nor replayed.
        upTo: await this.processor.lakeCompleteUpTo(),
      };
      const data = await loadTrainingData(this.stores, o);
      await this.stores.meta.set(`quality/${new Date(this.now()).toISOString()}`, data.quality);
      if (!data.quality.passes)
        throw new GuError(
          'DATA_QUALITY',
          data.quality.rows === 0
            ? 'there are no events to train on yet'
            : `only ${(data.quality.validShare * 100).toFixed(1)}% of events are valid (95% needed)`,
          data.quality,
        );
      const versions = await trainVersions(this.stores, data, o);
      const report: TrainingReport = { versions, promoted: [], held: [], quality: data.quality };
      for (const v of versions) {
        const reasons = options.promote === 'always' ? [] : gateFailures(v, this.models[v.recipe]?.version);
        if (options.promote === 'never') continue;
        if (reasons.length) report.held.push({ id: v.id, reasons });
        else {
          await this.promote(v.id);
          report.promoted.push(v.id);
        }
      }
      await this.stores.meta.delete('erasure/pending');
      this.warmUp();
      return report;
    };
    this.training = run();
    try {
      return await this.training;
    } finally {
      this.training = undefined;
    }
  }

  async qualityReports(): Promise<[string, unknown][]> {
    return (await this.stores.meta.list('quality/')).map(([k, v]) => [k.slice('quality/'.length), v]);
  }

  /** Ready once models serve (or there is nothing to train on yet) and the processor has caught up. */
  async status() {
    const logEnd = await this.stores.log.last();
    return {
      recipes: RECIPE_NAMES.filter((r) => this.models[r]),
      processorPosition: this.processor.position,
      logEnd,
      lag: logEnd - this.processor.position,
      processorFailure: this.processor.failure ?? null,
      shoppers: this.states.size,
      catalog: this.catalog.size,
      training: this.trainingRunning,
      experiments: {
        running: this.experiments.runningIds(),
        /** Model versions loaded for experiments' variants, beside the serving ones. */
        models: [...this.experimentModels.keys()],
      },
      homeLists: {
        shoppers: this.homeLists.count,
        hits: this.homeLists.hits,
        misses: this.homeLists.misses,
        lastPreparation: this.lastHomePreparation ?? null,
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true; // a running preparation stops at its next round, and no new one starts
    await this.training?.catch(() => undefined);
    await this.processor.stop();
    await this.homeJob;
  }
}
