import type { User } from '../domain/users.js';

/**
 * Known shoppers. Adapters store personal data only encrypted (PRODUCT.md §2) and decrypt it on get;
 * erase removes the user and every trace of their personal data.
 */
export interface UserStore {
  upsert(users: readonly User[]): Promise<void>;
  get(userId: string): Promise<User | undefined>;
  /** The anonymous sessions merged into the user at login, for erasure. */
  sessions(userId: string): Promise<string[]>;
  linkSession(userId: string, sessionId: string): Promise<void>;
  erase(userId: string): Promise<boolean>;
  count(): Promise<number>;
  close(): Promise<void>;
}

export class MemoryUserStore implements UserStore {
  private users = new Map<string, User>();
  private linked = new Map<string, Set<string>>();

  async upsert(users: readonly User[]): Promise<void> {
    for (const u of users) this.users.set(u.userId, structuredClone(u));
  }
  async get(userId: string): Promise<User | undefined> {
    return this.users.get(userId);
  }
  async sessions(userId: string): Promise<string[]> {
    return [...(this.linked.get(userId) ?? [])];
  }
  async linkSession(userId: string, sessionId: string): Promise<void> {
    this.linked.set(userId, (this.linked.get(userId) ?? new Set()).add(sessionId));
  }
  async erase(userId: string): Promise<boolean> {
    this.linked.delete(userId);
    return this.users.delete(userId);
  }
  async count(): Promise<number> {
    return this.users.size;
  }
  async close(): Promise<void> {}
}
