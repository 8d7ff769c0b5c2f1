import { useSyncExternalStore } from 'react';

/** A value that components subscribe to (React's external-store contract), optionally kept in localStorage. */
export class Store<T> {
  private listeners = new Set<() => void>();
  private value: T;

  constructor(
    initial: T,
    private readonly storageKey?: string,
  ) {
    this.value = initial;
    if (storageKey) {
      try {
        const saved = localStorage.getItem(storageKey);
        if (saved !== null) this.value = JSON.parse(saved) as T;
      } catch {
        // private mode or a damaged value: start from the initial one
      }
    }
  }

  get = (): T => this.value;

  set(value: T): void {
    this.value = value;
    if (this.storageKey)
      try {
        localStorage.setItem(this.storageKey, JSON.stringify(value));
      } catch {
        // kept in memory only
      }
    for (const listener of this.listeners) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

export function useStore<T>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.get);
}
