import { GuApiError, GuClient } from '@gu/sdk';
import { Store } from '../common/store.js';

/**
 * The operator's secret key, asked for by the dashboard and kept in sessionStorage: it is gone when the tab
 * closes, and never part of the built files or of a page the server renders.
 */
const KEY = 'gu.adminKey';

const saved = (() => {
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
})();

export const clientStore = new Store<GuClient | undefined>(
  saved ? new GuClient({ apiKey: saved }) : undefined,
);

/** Checks the key with an admin call; resolves false when it is not the secret key. */
export async function signIn(apiKey: string): Promise<boolean> {
  const client = new GuClient({ apiKey });
  try {
    await client.status();
  } catch (error) {
    if (error instanceof GuApiError && (error.status === 401 || error.status === 403)) return false;
    throw error;
  }
  try {
    sessionStorage.setItem(KEY, apiKey);
  } catch {
    // kept for this page only
  }
  clientStore.set(client);
  return true;
}

export function signOut(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing kept
  }
  clientStore.set(undefined);
}

/** A failed admin call: a refused key signs out; anything else is shown where it happened. */
export function failed(error: unknown): string {
  if (error instanceof GuApiError && (error.status === 401 || error.status === 403)) signOut();
  return error instanceof Error ? error.message : String(error);
}
