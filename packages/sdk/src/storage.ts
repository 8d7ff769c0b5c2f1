/** What the tracker needs of Web Storage (localStorage in browsers). */
export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** localStorage when the page may use it (it throws in some privacy modes and sandboxed frames). */
export function defaultStorage(): StorageLike | undefined {
  try {
    const storage = (globalThis as { localStorage?: StorageLike }).localStorage;
    if (!storage) return undefined;
    const probe = 'gu.probe';
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return storage;
  } catch {
    return undefined;
  }
}

/** An in-memory Storage, for tests and for pages without one. */
export class MemoryStorage implements StorageLike {
  private readonly values = new Map<string, string>();

  getItem(key: string): string | null {
    return this.values.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    this.values.set(key, String(value));
  }

  removeItem(key: string): void {
    this.values.delete(key);
  }

  get size(): number {
    return this.values.size;
  }
}

/**
 * Storage that never throws: reads fall back to what this page last wrote, and a failed write (quota full,
 * storage disabled) is reported once and otherwise ignored, so tracking keeps working in memory.
 */
export class SafeStorage {
  private readonly memory = new MemoryStorage();
  /** Keys whose last write did not reach the storage: memory holds their value. */
  private readonly unsaved = new Set<string>();
  private reported = false;

  constructor(
    private readonly storage: StorageLike | undefined,
    private readonly onError: (error: unknown) => void,
  ) {}

  get(key: string): string | null {
    try {
      if (this.storage && !this.unsaved.has(key)) return this.storage.getItem(key);
    } catch {
      // fall back to memory
    }
    return this.memory.getItem(key);
  }

  getJson<T>(key: string): T | undefined {
    const text = this.get(key);
    if (text === null) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      return undefined;
    }
  }

  set(key: string, value: string): void {
    this.memory.setItem(key, value);
    try {
      this.storage?.setItem(key, value);
      this.unsaved.delete(key);
    } catch (error) {
      this.unsaved.add(key);
      if (!this.reported) this.onError(error);
      this.reported = true;
    }
  }

  remove(key: string): void {
    this.memory.removeItem(key);
    this.unsaved.delete(key);
    try {
      this.storage?.removeItem(key);
    } catch {
      // nothing to keep
    }
  }
}
