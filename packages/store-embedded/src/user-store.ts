import type { PersonalData, User, UserStore } from '@gu/core';
import type { SharedDb } from './db.js';
import { Sealer } from './crypto.js';

interface UserRow {
  user_id: string;
  created_at: number;
  attributes: string;
  personal: Buffer | null;
}

/**
 * Users in SQLite. The personal field is stored only sealed with AES-256-GCM under the 32-byte key given
 * here (deriveKey turns the operator's secret into one); everything else is plain JSON.
 */
export class SqliteUserStore implements UserStore {
  private readonly db;
  private readonly sealer: Sealer;

  constructor(
    private readonly shared: SharedDb,
    key: Uint8Array,
  ) {
    this.sealer = new Sealer(key);
    this.db = shared.retain();
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS crypto (name TEXT PRIMARY KEY, value BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS users (
        user_id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        attributes TEXT NOT NULL,
        personal BLOB
      );
      CREATE TABLE IF NOT EXISTS user_sessions (
        user_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        UNIQUE (user_id, session_id)
      );
    `);
    this.checkKey();
  }

  /** Refuses a key other than the one the stored personal data was sealed with. */
  private checkKey(): void {
    const check = this.sealer.check();
    this.db.prepare("INSERT OR IGNORE INTO crypto (name, value) VALUES ('key-check', ?)").run(check);
    const stored = this.db
      .prepare<[], Buffer>("SELECT value FROM crypto WHERE name = 'key-check'")
      .pluck()
      .get()!;
    if (!check.equals(stored)) {
      this.shared.release();
      throw new Error('the secret differs from the one the stored personal data was encrypted with');
    }
  }

  async upsert(users: readonly User[]): Promise<void> {
    const put = this.db.prepare(
      'INSERT OR REPLACE INTO users (user_id, created_at, attributes, personal) VALUES (?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const u of users) {
        const personal = u.personal ? this.sealer.seal(JSON.stringify(u.personal), u.userId) : null;
        put.run(u.userId, u.createdAt, JSON.stringify(u.attributes), personal);
      }
    })();
  }

  async get(userId: string): Promise<User | undefined> {
    const row = this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE user_id = ?').get(userId);
    if (!row) return undefined;
    const user: User = { userId, createdAt: row.created_at, attributes: JSON.parse(row.attributes) };
    if (row.personal) user.personal = JSON.parse(this.sealer.open(row.personal, userId)) as PersonalData;
    return user;
  }

  async sessions(userId: string): Promise<string[]> {
    return this.db
      .prepare<[string], string>('SELECT session_id FROM user_sessions WHERE user_id = ? ORDER BY rowid')
      .pluck()
      .all(userId);
  }

  async linkSession(userId: string, sessionId: string): Promise<void> {
    this.db
      .prepare('INSERT OR IGNORE INTO user_sessions (user_id, session_id) VALUES (?, ?)')
      .run(userId, sessionId);
  }

  async erase(userId: string): Promise<boolean> {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM user_sessions WHERE user_id = ?').run(userId);
      return this.db.prepare('DELETE FROM users WHERE user_id = ?').run(userId).changes === 1;
    })();
  }

  async count(): Promise<number> {
    return this.db.prepare<[], number>('SELECT count(*) FROM users').pluck().get()!;
  }

  async close(): Promise<void> {
    this.shared.release();
  }
}
