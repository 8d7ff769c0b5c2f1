/**
 * A least-recently-used cache in two generations (the hashlru scheme): new and touched keys go to the current
 * Map; when it holds `capacity` keys it becomes the old one and the previous old one is dropped whole. A key
 * read from the old generation moves to the current one. Every operation is O(1), where evicting the oldest
 * key of a single Map is not: V8 leaves a deleted entry as a hole that `keys().next()` walks over, so a full
 * cache that evicts on every insert spends most of its time skipping holes. Between `capacity` and twice
 * that many keys are kept; the ones dropped are always among the least recently used.
 */
export class Lru<K, V> {
  private current = new Map<K, V>();
  private old = new Map<K, V>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error(`an LRU cache holds at least one key, not ${capacity}`);
  }

  get(key: K): V | undefined {
    const v = this.current.get(key);
    if (v !== undefined) {
      this.hits++;
      return v;
    }
    const aged = this.old.get(key);
    if (aged === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.old.delete(key);
    this.put(key, aged);
    return aged;
  }

  set(key: K, value: V): void {
    if (this.current.has(key)) this.current.set(key, value);
    else {
      this.old.delete(key);
      this.put(key, value);
    }
  }

  private put(key: K, value: V): void {
    this.current.set(key, value);
    if (this.current.size >= this.capacity) {
      this.old = this.current;
      this.current = new Map();
    }
  }

  clear(): void {
    this.current.clear();
    this.old.clear();
  }

  get size(): number {
    return this.current.size + this.old.size;
  }
}
