import { parentPort, workerData } from 'node:worker_threads';
import { unpackQuery, type PackedQueries } from '../evaluation/packed-queries.js';
import { decodeModel } from '../models/model-package.js';
import type { RankedList } from './home-lists.js';
import { rankList, unfilteredOptions } from './rank-list.js';

/** Worker side of home-list preparation: loads the model once, then ranks the shoppers it is handed. */
export interface HomeListTask {
  queries: PackedQueries;
  /** Per shopper, the items to leave out besides the history (the cart), as ptr/items. */
  excludePtr: Int32Array;
  excludeItems: Int32Array;
  /** Left out for everyone: items the catalog says are unavailable. */
  blocked: Int32Array;
  candidates?: Int32Array;
  size: number;
}

/** size entries per shopper (counts says how many are real), in the task's order. */
export type HomeListReply = RankedList & { counts: Uint8Array };

const { recipe } = decodeModel(workerData as Uint8Array);

parentPort!.on('message', (t: HomeListTask) => {
  const shoppers = t.queries.ptr.length - 1;
  const reply: HomeListReply = {
    items: new Int32Array(shoppers * t.size),
    scores: new Float32Array(shoppers * t.size),
    reasons: new Uint8Array(shoppers * t.size),
    anchors: new Int32Array(shoppers * t.size),
    counts: new Uint8Array(shoppers),
  };
  for (let s = 0; s < shoppers; s++) {
    const own = t.excludeItems.subarray(t.excludePtr[s], t.excludePtr[s + 1]);
    const exclude = new Int32Array(t.blocked.length + own.length);
    exclude.set(t.blocked);
    exclude.set(own, t.blocked.length);
    const list = rankList(
      recipe,
      unpackQuery(t.queries, s),
      t.size,
      unfilteredOptions(exclude, t.candidates),
      true,
    );
    const at = s * t.size;
    reply.items.set(list.items, at);
    reply.scores.set(list.scores, at);
    reply.reasons.set(list.reasons, at);
    reply.anchors.set(list.anchors, at);
    reply.counts[s] = list.items.length;
  }
  parentPort!.postMessage(reply);
});
