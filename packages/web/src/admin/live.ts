import { useEffect, useState } from 'react';
import { failed } from './session.js';

/** How often the live figures refresh. */
export const REFRESH_MS = 3000;

/**
 * A value fetched now and every REFRESH_MS while the tab is visible, fetched anew when a key changes (the
 * fetch closes over them); with when it last arrived, or why the last fetch failed.
 */
export function useLive<T>(fetch: () => Promise<T>, keys: readonly unknown[]) {
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<string>();
  const [updatedAt, setUpdatedAt] = useState<number>();
  useEffect(() => {
    let live = true;
    const load = () => {
      if (document.visibilityState === 'hidden') return;
      fetch().then(
        (v) => {
          if (!live) return;
          setValue(v);
          setError(undefined);
          setUpdatedAt(Date.now());
        },
        (e: unknown) => live && setError(failed(e)),
      );
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
    // The fetch is a new closure every render: the keys say when it asks for something else.
  }, keys);
  return { value, error, updatedAt };
}
