import type { RecipeName } from '../recipes/recipe.js';

/** An immutable trained model: what was trained on what, and how well it did offline. */
export interface ModelVersion {
  /** `${recipe}-${yyyymmddHHMMss}-${n}`: sortable and readable. */
  id: string;
  recipe: RecipeName;
  createdAt: number;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  data: { users: number; items: number; interactions: number };
  /** The event-log offset the training data reached: later events are replayed into the model on load. */
  watermark: number;
  trainSeconds: number;
  sizeBytes: number;
}

/**
 * Model versions and which one serves per recipe. Promotion keeps a history per recipe, so rollback
 * restores the previous version.
 */
export interface ModelStore {
  put(version: ModelVersion, blob: Uint8Array): Promise<void>;
  list(recipe?: RecipeName): Promise<ModelVersion[]>;
  get(id: string): Promise<ModelVersion | undefined>;
  blob(id: string): Promise<Uint8Array>;
  /** Serving version id per recipe. */
  serving(): Promise<Partial<Record<RecipeName, string>>>;
  /** Serves the version; promoting the one already serving adds nothing to the history (a double click). */
  promote(recipe: RecipeName, id: string): Promise<void>;
  /** Serves the version promoted before the current one; resolves with its id, undefined when there is none. */
  rollback(recipe: RecipeName): Promise<string | undefined>;
  close(): Promise<void>;
}

export class MemoryModelStore implements ModelStore {
  private versions = new Map<string, { version: ModelVersion; blob: Uint8Array }>();
  private history = new Map<RecipeName, string[]>();

  async put(version: ModelVersion, blob: Uint8Array): Promise<void> {
    if (this.versions.has(version.id)) throw new Error(`model version ${version.id} already exists`);
    this.versions.set(version.id, { version, blob });
  }
  async list(recipe?: RecipeName): Promise<ModelVersion[]> {
    return [...this.versions.values()]
      .map((v) => v.version)
      .filter((v) => !recipe || v.recipe === recipe)
      .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
  }
  async get(id: string): Promise<ModelVersion | undefined> {
    return this.versions.get(id)?.version;
  }
  async blob(id: string): Promise<Uint8Array> {
    const v = this.versions.get(id);
    if (!v) throw new Error(`no model version ${id}`);
    return v.blob;
  }
  async serving(): Promise<Partial<Record<RecipeName, string>>> {
    return Object.fromEntries([...this.history].filter(([, h]) => h.length).map(([r, h]) => [r, h.at(-1)]));
  }
  async promote(recipe: RecipeName, id: string): Promise<void> {
    const v = this.versions.get(id);
    if (!v || v.version.recipe !== recipe) throw new Error(`no ${recipe} model version ${id}`);
    const history = this.history.get(recipe) ?? [];
    if (history.at(-1) !== id) this.history.set(recipe, [...history, id]);
  }
  async rollback(recipe: RecipeName): Promise<string | undefined> {
    const h = this.history.get(recipe) ?? [];
    if (h.length < 2) return undefined;
    h.pop();
    return h.at(-1);
  }
  async close(): Promise<void> {}
}
