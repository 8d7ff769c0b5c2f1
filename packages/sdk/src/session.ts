import type { SafeStorage } from './storage.js';

/** A session ends after this long without activity, as in web analytics. */
export const SESSION_IDLE_MS = 30 * 60_000;

const SESSION_KEY = 'gu.session';
const USER_KEY = 'gu.user';

interface StoredSession {
  id: string;
  /** Epoch ms of the last event of the session. */
  lastSeen: number;
}

/**
 * The shopper's anonymous session and signed-in user, kept in storage so that reloads and other tabs of the
 * shop share them. A session is renewed when it has been idle for SESSION_IDLE_MS.
 */
export class Session {
  constructor(
    private readonly storage: SafeStorage,
    private readonly now: () => number,
    private readonly newId: () => string,
  ) {}

  /** The current session id; `touch` records activity now (an event), extending the session. */
  current(touch: boolean): string {
    const now = this.now();
    const stored = this.storage.getJson<StoredSession>(SESSION_KEY);
    const alive =
      stored && typeof stored.id === 'string' && stored.id && now - stored.lastSeen <= SESSION_IDLE_MS;
    if (alive && !touch) return stored.id;
    const session = alive ? { id: stored.id, lastSeen: Math.max(stored.lastSeen, now) } : this.fresh(now);
    this.storage.set(SESSION_KEY, JSON.stringify(session));
    return session.id;
  }

  /** Starts a new session (after sign-out, so the next shopper's browsing is not merged into the last user). */
  rotate(): string {
    const session = this.fresh(this.now());
    this.storage.set(SESSION_KEY, JSON.stringify(session));
    return session.id;
  }

  private fresh(now: number): StoredSession {
    return { id: this.newId(), lastSeen: now };
  }

  get userId(): string | undefined {
    return this.storage.get(USER_KEY) ?? undefined;
  }

  set userId(userId: string | undefined) {
    if (userId) this.storage.set(USER_KEY, userId);
    else this.storage.remove(USER_KEY);
  }
}
