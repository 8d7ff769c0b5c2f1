/** Small named JSON documents: the processor's checkpoint, filters, settings. */
export interface MetaStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys starting with prefix, with their values. */
  list<T>(prefix: string): Promise<[string, T][]>;
  close(): Promise<void>;
}

export class MemoryMetaStore implements MetaStore {
  private values = new Map<string, string>();

  async get<T>(key: string): Promise<T | undefined> {
    const v = this.values.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }
  async set(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.stringify(value));
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
  async list<T>(prefix: string): Promise<[string, T][]> {
    return [...this.values]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, JSON.parse(v) as T]);
  }
  async close(): Promise<void> {}
}
