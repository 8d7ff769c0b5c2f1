import { defaultFetch, requestJson, type HttpOptions, type Query } from './http.js';
import type {
  CategoryNode,
  DataQuality,
  EventInput,
  Experiment,
  ExperimentDraft,
  FilterDefinition,
  IngestResult,
  Item,
  KpiReport,
  ModelVersion,
  Placement,
  RecipeName,
  Recommendations,
  ScoredItem,
  TrainingJob,
} from './types.js';

export interface GuClientOptions {
  /** Origin of the API, e.g. 'https://gu.shop.vn'; '' (the default) is the page's own origin. */
  baseUrl?: string;
  /** The public key in shop pages; the secret key for the admin calls. */
  apiKey: string;
  fetch?: typeof fetch;
}

export interface RecommendationParams {
  userId?: string;
  sessionId?: string;
  itemId?: string;
  placement: Placement;
  /** 1–100, default 10. */
  n?: number;
  /** Name of a filter defined in the dashboard. */
  filter?: string;
  /** Parameters of the filter, e.g. { maxPrice: 200000 }. */
  filterValues?: Record<string, unknown>;
  /** Ask for the reason of each item. */
  explain?: boolean;
}

const path = (strings: TemplateStringsArray, ...ids: string[]) =>
  strings.reduce((out, s, i) => out + s + (i < ids.length ? encodeURIComponent(ids[i]) : ''), '');

/** A typed client of Gu's HTTP API (PRODUCT.md §6). Every failure rejects with a GuApiError. */
export class GuClient {
  private readonly http: HttpOptions;

  constructor(o: GuClientOptions) {
    this.http = { baseUrl: o.baseUrl ?? '', apiKey: o.apiKey, fetch: o.fetch ?? defaultFetch() };
  }

  private get<T>(p: string, query?: Query): Promise<T> {
    return requestJson<T>(this.http, 'GET', p, { query });
  }

  private send<T>(method: 'POST' | 'PUT' | 'DELETE', p: string, body?: unknown): Promise<T> {
    return requestJson<T>(this.http, method, p, { body });
  }

  // ── Serving (public key) ──────────────────────────────────────────────────────────────────────────────

  recommendations(p: RecommendationParams): Promise<Recommendations> {
    return this.get('/v1/recommendations', {
      userId: p.userId,
      sessionId: p.sessionId,
      itemId: p.itemId,
      placement: p.placement,
      n: p.n,
      filter: p.filter,
      filterValues: p.filterValues === undefined ? undefined : JSON.stringify(p.filterValues),
      explain: p.explain || undefined,
    });
  }

  async similar(itemId: string, n?: number): Promise<ScoredItem[]> {
    return (await this.get<{ items: ScoredItem[] }>(path`/v1/items/${itemId}/similar`, { n })).items;
  }

  async boughtTogether(itemId: string, n?: number): Promise<ScoredItem[]> {
    return (await this.get<{ items: ScoredItem[] }>(path`/v1/items/${itemId}/bought-together`, { n })).items;
  }

  async popular(n?: number, category?: string): Promise<ScoredItem[]> {
    return (await this.get<{ items: ScoredItem[] }>('/v1/popular', { n, category })).items;
  }

  async trending(n?: number): Promise<ScoredItem[]> {
    return (await this.get<{ items: ScoredItem[] }>('/v1/trending', { n })).items;
  }

  /** Re-ranks the caller's items for a shopper (userId or sessionId required). */
  async rank(p: { userId?: string; sessionId?: string; itemIds: string[] }): Promise<ScoredItem[]> {
    const body = { userId: p.userId, sessionId: p.sessionId, itemIds: p.itemIds };
    return (await this.send<{ items: ScoredItem[] }>('POST', '/v1/rank', body)).items;
  }

  // ── Catalog (reads: public key) ───────────────────────────────────────────────────────────────────────

  /** Available items, filtered by category and words of the title or brand; limit 1–100 (default 24). */
  items(p: { category?: string; q?: string; offset?: number; limit?: number } = {}): Promise<{
    total: number;
    items: Item[];
  }> {
    return this.get('/v1/items', { category: p.category, q: p.q, offset: p.offset, limit: p.limit });
  }

  /** Several items in one request per 100 (a widget's list at once), in the given order; unknown ids are skipped. */
  async itemsByIds(itemIds: readonly string[]): Promise<Item[]> {
    const unique = [...new Set(itemIds)];
    const chunks = Array.from({ length: Math.ceil(unique.length / 100) }, (_, c) =>
      unique.slice(c * 100, c * 100 + 100),
    );
    const replies = await Promise.all(
      chunks.map((chunk) => this.get<{ items: Item[] }>('/v1/items', { ids: chunk.join(',') })),
    );
    return replies.flatMap((r) => r.items);
  }

  item(itemId: string): Promise<Item> {
    return this.get(path`/v1/items/${itemId}`);
  }

  async categories(): Promise<CategoryNode[]> {
    return (await this.get<{ categories: CategoryNode[] }>('/v1/categories')).categories;
  }

  /** Sends 1–500 events at once (the Tracker batches and retries; this is the bare call). */
  sendEvents(events: EventInput[]): Promise<IngestResult> {
    return this.send('POST', '/v1/events', events);
  }

  // ── Catalog and users (writes: secret key) ────────────────────────────────────────────────────────────

  putItems(items: Partial<Item>[]): Promise<{ upserted: number; rejected: unknown[] }> {
    return this.send('PUT', '/v1/items', items);
  }

  async deleteItem(itemId: string): Promise<void> {
    await this.send('DELETE', path`/v1/items/${itemId}`);
  }

  /** Erases a user everywhere (data-erasure requests); resolves with the number of events erased. */
  deleteUser(userId: string): Promise<{ events: number }> {
    return this.send('DELETE', path`/v1/users/${userId}`);
  }

  // ── Admin (secret key) ────────────────────────────────────────────────────────────────────────────────

  /** Live KPIs over the last windowMinutes (1–1440, default 60). */
  kpis(windowMinutes?: number): Promise<KpiReport> {
    return this.get('/v1/admin/kpis', { window: windowMinutes });
  }

  /** Model versions, newest first, and the serving version id per recipe. */
  models(recipe?: RecipeName): Promise<{ serving: Record<string, string>; versions: ModelVersion[] }> {
    return this.get('/v1/admin/models', { recipe });
  }

  promote(versionId: string): Promise<{ serving: unknown }> {
    return this.send('POST', path`/v1/admin/models/${versionId}/promote`);
  }

  rollback(recipe: string): Promise<{ serving: unknown }> {
    return this.send('POST', path`/v1/admin/recipes/${recipe}/rollback`);
  }

  /** Data-quality reports of trainings, newest first. */
  dataQuality(): Promise<{ reports: { at: string; report: DataQuality }[] }> {
    return this.get('/v1/admin/data-quality');
  }

  status(): Promise<Record<string, unknown>> {
    return this.get('/v1/admin/status');
  }

  /**
   * Starts a training job (409 TRAINING_RUNNING when one runs); poll it with trainingJob(id).
   * promote: 'gate' (default) promotes versions that pass the quality gate.
   */
  train(recipes?: string[], promote?: 'gate' | 'always' | 'never'): Promise<TrainingJob> {
    return this.send('POST', '/v1/admin/training', {
      ...(recipes ? { recipes } : {}),
      ...(promote ? { promote } : {}),
    });
  }

  trainingJob(id: string): Promise<TrainingJob> {
    return this.get(path`/v1/admin/training/${id}`);
  }

  /** Training jobs of the running server, newest first. */
  async trainingJobs(): Promise<TrainingJob[]> {
    return (await this.get<{ jobs: TrainingJob[] }>('/v1/admin/training')).jobs;
  }

  async filters(): Promise<FilterDefinition[]> {
    return (await this.get<{ filters: FilterDefinition[] }>('/v1/admin/filters')).filters;
  }

  putFilter(name: string, def: Partial<Omit<FilterDefinition, 'name'>>): Promise<FilterDefinition> {
    const { description, include, exclude } = def; // the server refuses any other field
    return this.send('PUT', path`/v1/admin/filters/${name}`, { description, include, exclude });
  }

  async deleteFilter(name: string): Promise<void> {
    await this.send('DELETE', path`/v1/admin/filters/${name}`);
  }

  /** A/B tests, newest first, with their figures. */
  async experiments(): Promise<Experiment[]> {
    return (await this.get<{ experiments: Experiment[] }>('/v1/admin/experiments')).experiments;
  }

  experiment(id: string): Promise<Experiment> {
    return this.get(path`/v1/admin/experiments/${id}`);
  }

  /** Starts an A/B test on a placement (409 EXPERIMENT_RUNNING when one runs there). */
  startExperiment(draft: ExperimentDraft): Promise<Experiment> {
    return this.send('POST', '/v1/admin/experiments', draft);
  }

  stopExperiment(id: string): Promise<Experiment> {
    return this.send('POST', path`/v1/admin/experiments/${id}/stop`);
  }

  async deleteExperiment(id: string): Promise<void> {
    await this.send('DELETE', path`/v1/admin/experiments/${id}`);
  }
}
