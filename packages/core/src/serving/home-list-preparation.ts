import type { LiveModel } from '../models/live-model.js';
import { packQueries } from '../evaluation/packed-queries.js';
import { WorkerPool } from '../parallel/pool.js';
import type { Query } from '../recipes/query.js';
import type { ShopperStates } from '../realtime/shopper-states.js';
import type { HomeListReply, HomeListTask } from './home-list-worker.js';
import type { HomeLists } from './home-lists.js';
import { historyQuery } from './rank-list.js';

export interface HomePreparationInput {
  model: LiveModel;
  /** The model's stored bytes, which each worker thread loads. */
  blob: Uint8Array;
  states: ShopperStates;
  lists: HomeLists;
  /** What the request path ranks with too: the catalog version, items left out for everyone, candidates. */
  catalogVersion: number;
  blocked: Int32Array;
  candidates?: Int32Array;
  threads: number;
  /** True once this work is pointless (another model serves, a newer preparation started): it stops. */
  superseded: () => boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface HomePreparation {
  model: string;
  /** Shoppers with history when the preparation started, and how many lists were stored. */
  shoppers: number;
  prepared: number;
  seconds: number;
  complete: boolean;
}

/** Shoppers per task handed to a worker. */
const CHUNK = 500;

/**
 * Ranks the home list of every shopper with history on worker threads, so that requests find it ready. A
 * list is stored only if the shopper's state is still the one it was ranked from; shoppers who act meanwhile
 * are ranked by their next request instead.
 */
export async function prepareHomeLists(input: HomePreparationInput): Promise<HomePreparation> {
  const started = performance.now();
  const { model, states, lists } = input;
  const keys = [...states.keys()].filter((key) => {
    const s = states.get(key)!;
    return s.recent.length > 0 || s.cart.size > 0;
  });
  const threads = Math.max(1, input.threads);
  const pool = new WorkerPool<HomeListTask, HomeListReply>(
    new URL('./home-list-worker.js', import.meta.url),
    threads,
    input.blob,
  );
  let prepared = 0;
  let next = 0;
  try {
    while (next < keys.length && !input.superseded()) {
      const round: { keys: string[]; versions: number[]; task: HomeListTask }[] = [];
      for (let t = 0; t < threads * 2 && next < keys.length; t++) {
        const chunk = keys.slice(next, (next += CHUNK)).filter((key) => states.get(key));
        const versions = chunk.map((key) => states.get(key)!.version);
        round.push({ keys: chunk, versions, task: task(model, states, chunk, lists.size, input) });
      }
      const replies = await pool.run(round.map((r) => r.task));
      if (input.superseded()) break;
      replies.forEach((reply, r) =>
        round[r].keys.forEach((key, s) => {
          if (states.get(key)?.version !== round[r].versions[s]) return;
          const at = s * lists.size;
          lists.set(
            key,
            model.serial,
            round[r].versions[s],
            input.catalogVersion,
            reply,
            at,
            at + reply.counts[s],
          );
          prepared++;
        }),
      );
      input.onProgress?.(Math.min(next, keys.length), keys.length);
    }
  } finally {
    await pool.close();
  }
  return {
    model: model.version.id,
    shoppers: keys.length,
    prepared,
    seconds: (performance.now() - started) / 1000,
    complete: next >= keys.length && !input.superseded(),
  };
}

function task(
  model: LiveModel,
  states: ShopperStates,
  keys: readonly string[],
  size: number,
  input: HomePreparationInput,
): HomeListTask {
  const queries: Query[] = [];
  const excludePtr = new Int32Array(keys.length + 1);
  const exclude: number[] = [];
  keys.forEach((key, s) => {
    const state = states.get(key)!;
    queries.push(
      historyQuery(
        model,
        state.recent.map((r) => r.itemId),
        state.recent.map((r) => r.type),
      ),
    );
    for (const itemId of state.cart.keys()) exclude.push(model.indexOf(itemId));
    excludePtr[s + 1] = exclude.length;
  });
  return {
    queries: packQueries(queries),
    excludePtr,
    excludeItems: Int32Array.from(exclude),
    blocked: input.blocked,
    candidates: input.candidates,
    size,
  };
}
