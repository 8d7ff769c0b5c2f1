import { EventCode } from '../domain/events.js';

/**
 * Who is asking, with what they did so far. Recipes fold the history in at query time, so a shopper's latest
 * events count the moment they are known, whether or not the user was in the training data.
 */
export interface Query {
  /** Index of a user known at training time, or -1 for a new or anonymous shopper. */
  readonly user: number;
  /** History, oldest first: item indices, event codes and times (epoch ms or positions). */
  readonly items: Int32Array;
  readonly types: Uint8Array;
  readonly times: Float64Array;
  /** Reference time for recency decay; defaults to the last history time. */
  readonly now?: number;
}

export interface HistoryEntry {
  item: number;
  type?: number;
  time?: number;
}

/** A query from a list of entries (the default event is a view, the default time its position). */
export function queryOf(user: number, history: readonly HistoryEntry[], now?: number): Query {
  return {
    user,
    items: Int32Array.from(history, (h) => h.item),
    types: Uint8Array.from(history, (h) => h.type ?? EventCode.view),
    times: Float64Array.from(history, (h, i) => h.time ?? i),
    now,
  };
}

export const emptyQuery = (user = -1): Query => queryOf(user, []);
