import type { LiveModel } from '../models/live-model.js';
import { packQueries } from '../evaluation/packed-queries.js';
import { WorkerPool } from '../parallel/pool.js';
import type { Query } from '../recipes/query.js';
import type { ShopperStates } from '../realtime/shopper-states.js';
import type { HomeListReply, HomeListTask } from './home-list-worker.js';
import type { HomeLists } from './home-lists.js';
import { shopperQuery } from './rank-list.js';

export interface HomePreparationInput {
  model: LiveModel;
  /** The model's bytes as it serves now (with its incremental updates), which each worker thread loads. */
  blob: Uint8Array;
  states: ShopperStates;
  lists: HomeLists;
  /** What the request path ranks with too: the catalog version, items left out for everyone, candidates. */
  catalogVersion: number;
  blocked: Int32Array;
  candidates?: Int32Array;
  threads: number;
  now: () => number;
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

interface Chunk {
  keys: string[];
  /** The versions of the states ranked: a list is stored only for the very same state. */
  versions: number[];
  task: HomeListTask;
}

/**
 * Ranks the home list of every shopper with history on worker threads, so that requests find it ready. A
 * list is stored only if the shopper's state is still the one it was ranked from; shoppers who act meanwhile
 * are ranked by their next request instead.
 */
export async function prepareHomeLists(input: HomePreparationInput): Promise<HomePreparation> {
  const started = performance.now();
  const { model, states, lists } = input;
  const keys = [...states.keys()].filter((key) => {
    const s = states.inModel(key, model)!;
    return s.items.length > 0 || s.cart.length > 0;
  });
  const result = (prepared: number, complete: boolean): HomePreparation => ({
    model: model.version.id,
    shoppers: keys.length,
    prepared,
    seconds: (performance.now() - started) / 1000,
    complete,
  });
  if (input.superseded()) return result(0, false);
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
      const round: Chunk[] = [];
      for (let t = 0; t < threads * 2 && next < keys.length; t++)
        round.push(chunk(model, states, keys.slice(next, (next += CHUNK)), lists.size, input));
      const rankedAt = input.now();
      const replies = await pool.run(round.map((c) => c.task));
      if (input.superseded()) break;
      replies.forEach((reply, r) =>
        round[r].keys.forEach((key, s) => {
          const version = round[r].versions[s];
          // Versions are never the same for two states: an equal one is the very state ranked.
          if (states.version(key) !== version) return;
          const stamp = { model: model.serial, version, catalogVersion: input.catalogVersion, rankedAt };
          const at = s * lists.size;
          lists.set(key, stamp, reply, at, at + reply.counts[s]);
          prepared++;
        }),
      );
      input.onProgress?.(Math.min(next, keys.length), keys.length);
    }
  } finally {
    await pool.close();
  }
  return result(prepared, next >= keys.length && !input.superseded());
}

function chunk(
  model: LiveModel,
  states: ShopperStates,
  candidates: readonly string[],
  size: number,
  input: HomePreparationInput,
): Chunk {
  const keys = candidates.filter((key) => states.version(key) !== undefined);
  const shoppers = keys.map((key) => states.inModel(key, model)!);
  const queries: Query[] = [];
  const excludePtr = new Int32Array(keys.length + 1);
  const exclude: number[] = [];
  shoppers.forEach((state, s) => {
    queries.push(shopperQuery(state));
    exclude.push(...state.cart);
    excludePtr[s + 1] = exclude.length;
  });
  return {
    keys,
    versions: shoppers.map((s) => s.version),
    task: {
      queries: packQueries(queries),
      excludePtr,
      excludeItems: Int32Array.from(exclude),
      blocked: input.blocked,
      candidates: input.candidates,
      size,
    },
  };
}
