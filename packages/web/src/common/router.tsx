import { useSyncExternalStore, type ComponentProps, type MouseEvent } from 'react';

/** A router of a few lines over the History API: each app matches `location` against its own patterns. */

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
window.addEventListener('popstate', notify);

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
const snapshot = () => location.pathname + location.search;

export function navigate(to: string, { replace = false } = {}): void {
  if (to === snapshot()) return;
  history[replace ? 'replaceState' : 'pushState'](null, '', to);
  window.scrollTo(0, 0);
  notify();
}

export interface Location {
  path: string;
  query: URLSearchParams;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, location.origin);
  return { path: url.pathname, query: url.searchParams };
}

/**
 * Matches a path against a pattern such as `/p/:itemId`; returns the decoded parameters, or undefined.
 * A trailing `*` parameter (`/c/*`) takes the rest of the path, slashes included.
 */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const source = pattern
    .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    .replace(/:(\w+)/g, (_, name: string) => (names.push(name), '([^/]+)'))
    .replace(/\*$/, () => (names.push('rest'), '(.+)'));
  const found = new RegExp(`^${source}/?$`).exec(path);
  if (!found) return undefined;
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1])]));
}

/** An anchor that navigates inside the app (and still opens a new tab with a modifier key). */
export function Link({ to, onClick, ...rest }: ComponentProps<'a'> & { to: string }) {
  const click = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={click} {...rest} />;
}
