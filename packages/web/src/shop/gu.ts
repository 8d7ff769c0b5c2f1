import { useEffect, useState } from 'react';
import { GuClient, Tracker, type CategoryNode, type Item, type Placement } from '@gu/sdk';
import { Store } from '../common/store.js';

/**
 * The storefront's connection to Gu: one API client and one tracker, both with the public key, which the
 * server writes into the page (`<meta name="gu-public-key">`); a page served by the Vite dev server asks
 * `GET /v1/config` instead. Nothing here knows the secret key.
 */
async function publicKey(): Promise<string> {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="gu-public-key"]')?.content;
  if (meta) return meta;
  const response = await fetch('/v1/config');
  if (!response.ok) throw new Error(`GET /v1/config: ${response.status}`);
  return ((await response.json()) as { publicKey: string }).publicKey;
}

export let client: GuClient;
let tracker: Tracker;
/** The signed-in shopper, for the header; the tracker is the source of truth. */
export const userStore = new Store<string | undefined>(undefined);

export async function connect(): Promise<void> {
  const apiKey = await publicKey();
  client = new GuClient({ apiKey });
  tracker = new Tracker({ apiKey, flushIntervalMs: 1000 });
  userStore.set(tracker.userId);
}

/**
 * The server merges the anonymous session into the user at the first event that carries both ids, and
 * identify() sends none; until the shopper does something after signing in, recommendations are asked for
 * the session (which holds what was just browsed) rather than for a user the server has not linked yet.
 */
const mergePending = new Store<boolean>(false, 'gu.mergePending');

/** Who is shopping: the user once signed in (and merged), and always the session. */
export const shopper = () => ({
  userId: mergePending.get() ? undefined : tracker.userId,
  sessionId: tracker.sessionId,
});

/** Every storefront event goes through here: the first one after sign-in completes the merge. */
export function track(send: (t: Tracker) => void): void {
  send(tracker);
  if (mergePending.get()) mergePending.set(false);
}

/**
 * The recommendation list each item was last opened from in this session, so that buying it later credits
 * the widget (PRODUCT.md §2: recommendationId attributes purchases to a served list).
 */
const openedFrom = new Store<Record<string, string>>({}, 'gu.openedFrom');

export function openedFromList(itemId: string, recommendationId: string): void {
  openedFrom.set({ ...openedFrom.get(), [itemId]: recommendationId });
}

export const listOf = (itemId: string): string | undefined => openedFrom.get()[itemId];

/** Sends whatever is queued now (before leaving a page that must not lose its events). */
export const flush = (): Promise<void> => tracker.flush();

export function signIn(userId: string): void {
  tracker.identify(userId);
  mergePending.set(true);
  userStore.set(userId);
}

export function signOut(): void {
  tracker.signOut();
  mergePending.set(false);
  userStore.set(undefined);
}

/**
 * Recommendations for a placement, with reasons. Queued events are sent first, so that what the shopper just
 * did (the views of the last pages) is already in the answer.
 */
export async function recommend(placement: Placement, options: { itemId?: string; n?: number } = {}) {
  await tracker.flush().catch(() => undefined);
  return client.recommendations({ ...shopper(), placement, n: options.n ?? 10, explain: true, ...options });
}

// ── Items ───────────────────────────────────────────────────────────────────────────────────────────────
// Recommendations name items by id; their titles and prices come from the catalog, fetched once per page
// life and shared by every widget.

const known = new Map<string, Item>();
const loading = new Map<string, Promise<Item | undefined>>();

export function remember(items: Item[]): void {
  for (const item of items) known.set(item.itemId, item);
}

export function loadItem(itemId: string): Promise<Item | undefined> {
  const item = known.get(itemId);
  if (item) return Promise.resolve(item);
  let pending = loading.get(itemId);
  if (!pending) {
    pending = client.item(itemId).then(
      (found) => (known.set(itemId, found), found),
      () => undefined, // an item deleted since the model was trained: the widget skips it
    );
    loading.set(itemId, pending);
    void pending.finally(() => loading.delete(itemId));
  }
  return pending;
}

/** The catalog items of these ids that exist, the missing ones in one request (a widget shows a whole list at once). */
export async function loadItems(ids: readonly string[]): Promise<Map<string, Item>> {
  const missing = ids.filter((id) => !known.has(id) && !loading.has(id));
  if (missing.length) {
    const batch = client.itemsByIds(missing).then(
      (items) => remember(items),
      () => undefined, // the widget shows what it has
    );
    for (const id of missing) {
      const pending = batch.then(() => known.get(id));
      loading.set(id, pending);
      void pending.finally(() => loading.delete(id));
    }
  }
  const found = await Promise.all(ids.map(loadItem));
  return new Map(found.flatMap((item) => (item ? [[item.itemId, item] as const] : [])));
}

/** The items of these ids that exist, as they arrive; known ones at once. */
export function useItems(ids: readonly string[]): Map<string, Item> {
  const key = ids.join('\u0000');
  const [, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    if (ids.some((id) => !known.has(id))) void loadItems(ids).then(() => live && setVersion((v) => v + 1));
    return () => {
      live = false;
    };
  }, [key]); // the ids, compared by value
  return new Map(ids.flatMap((id) => (known.has(id) ? [[id, known.get(id)!] as const] : [])));
}

let categories: Promise<CategoryNode[]> | undefined;

/** The category tree, fetched once. */
export function loadCategories(): Promise<CategoryNode[]> {
  categories ??= client.categories().catch((error: unknown) => {
    categories = undefined;
    throw error;
  });
  return categories;
}
