import type { ModelStore, ModelVersion, RecipeName } from '@gu/core';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SharedDb } from './db.js';
import { writeFileAtomic } from './files.js';

/**
 * Model versions: metadata and the promotion history in SQLite, blobs as files under `dir`. A promotion is
 * a row; rollback marks the newest one rolled back (kept for the audit trail), so the one before serves.
 */
export class SqliteModelStore implements ModelStore {
  private readonly db;
  /** Ids being written: a second put of the same id must fail before touching the first one's file. */
  private readonly writing = new Set<string>();

  constructor(
    private readonly shared: SharedDb,
    private readonly dir: string,
  ) {
    mkdirSync(dir, { recursive: true });
    this.db = shared.retain();
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS models (
        id TEXT PRIMARY KEY,
        recipe TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS models_recipe ON models (recipe, created_at);
      CREATE TABLE IF NOT EXISTS promotions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        recipe TEXT NOT NULL,
        model_id TEXT NOT NULL REFERENCES models (id),
        promoted_at INTEGER NOT NULL,
        rolled_back_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS promotions_recipe ON promotions (recipe, seq);
    `);
  }

  /** The blob's file; ids are encoded so none can name a path outside the directory. */
  private file(id: string): string {
    return join(this.dir, `${encodeURIComponent(id)}.bin`);
  }

  async put(version: ModelVersion, blob: Uint8Array): Promise<void> {
    const { id } = version;
    // Checked and claimed without an await in between, so a concurrent put of the same id sees the claim.
    if (this.writing.has(id) || this.version(id)) throw new Error(`model version ${id} already exists`);
    this.writing.add(id);
    try {
      // The blob first: metadata never points at a missing file.
      await writeFileAtomic(this.file(id), blob);
      this.db
        .prepare('INSERT INTO models (id, recipe, created_at, body) VALUES (?, ?, ?, ?)')
        .run(id, version.recipe, version.createdAt, JSON.stringify(version));
    } finally {
      this.writing.delete(id);
    }
  }

  async list(recipe?: RecipeName): Promise<ModelVersion[]> {
    const bodies = recipe
      ? this.db
          .prepare<[string], string>(
            'SELECT body FROM models WHERE recipe = ? ORDER BY created_at DESC, id DESC',
          )
          .pluck()
          .all(recipe)
      : this.db
          .prepare<[], string>('SELECT body FROM models ORDER BY created_at DESC, id DESC')
          .pluck()
          .all();
    return bodies.map((body) => JSON.parse(body) as ModelVersion);
  }

  async get(id: string): Promise<ModelVersion | undefined> {
    return this.version(id);
  }

  private version(id: string): ModelVersion | undefined {
    const body = this.db.prepare<[string], string>('SELECT body FROM models WHERE id = ?').pluck().get(id);
    return body === undefined ? undefined : (JSON.parse(body) as ModelVersion);
  }

  async blob(id: string): Promise<Uint8Array> {
    if (!this.version(id)) throw new Error(`no model version ${id}`);
    return readFile(this.file(id));
  }

  async serving(): Promise<Partial<Record<RecipeName, string>>> {
    const rows = this.db
      .prepare<[], [RecipeName, string]>(
        `SELECT recipe, model_id FROM promotions
         WHERE seq IN (SELECT max(seq) FROM promotions WHERE rolled_back_at IS NULL GROUP BY recipe)
         ORDER BY recipe`,
      )
      .raw()
      .all();
    return Object.fromEntries(rows);
  }

  async promote(recipe: RecipeName, id: string): Promise<void> {
    const version = this.version(id);
    if (!version || version.recipe !== recipe) throw new Error(`no ${recipe} model version ${id}`);
    // Checked and inserted in one transaction, so two processes promoting at once cannot both add a row.
    this.db
      .transaction(() => {
        if (this.servingVersion(recipe) === id) return;
        this.db
          .prepare('INSERT INTO promotions (recipe, model_id, promoted_at) VALUES (?, ?, ?)')
          .run(recipe, id, Date.now());
      })
      .immediate();
  }

  private servingVersion(recipe: RecipeName): string | undefined {
    return this.db
      .prepare<[string], { model_id: string }>(
        `SELECT model_id FROM promotions WHERE recipe = ? AND rolled_back_at IS NULL ORDER BY seq DESC LIMIT 1`,
      )
      .get(recipe)?.model_id;
  }

  async rollback(recipe: RecipeName): Promise<string | undefined> {
    return this.db
      .transaction(() => {
        const [current, previous] = this.db
          .prepare<[string], { seq: number; model_id: string }>(
            `SELECT seq, model_id FROM promotions WHERE recipe = ? AND rolled_back_at IS NULL
           ORDER BY seq DESC LIMIT 2`,
          )
          .all(recipe);
        if (!previous) return undefined;
        this.db
          .prepare('UPDATE promotions SET rolled_back_at = ? WHERE seq = ?')
          .run(Date.now(), current.seq);
        return previous.model_id;
      })
      .immediate();
  }

  async close(): Promise<void> {
    this.shared.release();
  }
}
