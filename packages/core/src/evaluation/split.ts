import { EventCode } from '../domain/events.js';
import { filterRows, numUsers, userOffsets, type Interactions } from '../data/interactions.js';
import type { Query } from '../recipes/query.js';

/** One test case: what the shopper had done (the query) and the items they went on to (the targets). */
export interface EvalCase {
  query: Query;
  targets: Int32Array;
}

export interface Split {
  train: Interactions;
  cases: EvalCase[];
  info: Record<string, unknown>;
}

/** Event types that say the shopper wanted the item: only these become targets. */
const POSITIVE = new Set<number>([
  EventCode.view,
  EventCode.add_to_cart,
  EventCode.purchase,
  EventCode.recommendation_click,
]);

/** The query of user u: zero-copy views of their rows in the (user-sorted) training data. */
function queryOf(train: Interactions, ptr: Int32Array, u: number, now?: number): Query {
  return {
    user: u,
    items: train.item.subarray(ptr[u], ptr[u + 1]),
    types: train.type.subarray(ptr[u], ptr[u + 1]),
    times: train.time.subarray(ptr[u], ptr[u + 1]),
    now,
  };
}

/** Drops targets already in the history when asked; a case left with no target is dropped and counted. */
function makeCases(
  train: Interactions,
  targetsByUser: Map<number, { items: number[]; now: number }>,
  excludeSeen: boolean,
): { cases: EvalCase[]; dropped: number } {
  const ptr = userOffsets(train);
  const cases: EvalCase[] = [];
  let dropped = 0;
  for (const [u, { items, now }] of targetsByUser) {
    const query = queryOf(train, ptr, u, now);
    const seen = excludeSeen ? new Set(query.items) : new Set<number>();
    const targets = items.filter((i) => !seen.has(i));
    if (targets.length) cases.push({ query, targets: Int32Array.from(targets) });
    else dropped++;
  }
  return { cases, dropped };
}

/**
 * Leave-last-out: each user's last event is the test target, everything before it trains. With holdout
 * 'second-last' (the validation protocol, for tuning) the last event is dropped altogether and the one before
 * it is the target, so tuning never sees the test items.
 */
export function leaveLastOut(
  d: Interactions,
  options: { holdout?: 'last' | 'second-last'; excludeSeen?: boolean } = {},
): Split {
  const back = options.holdout === 'second-last' ? 2 : 1;
  const ptr = userOffsets(d);
  const dropRow = new Uint8Array(d.user.length); // 1 = drop, 2 = target
  const targets = new Map<number, { items: number[]; now: number }>();
  for (let u = 0; u < numUsers(d); u++) {
    const n = ptr[u + 1] - ptr[u];
    if (n < back + 1) continue;
    const target = ptr[u + 1] - back;
    for (let r = target; r < ptr[u + 1]; r++) dropRow[r] = 1;
    targets.set(u, { items: [d.item[target]], now: d.time[target] });
  }
  const train = filterRows(d, (r) => dropRow[r] === 0);
  const { cases, dropped } = makeCases(train, targets, options.excludeSeen ?? true);
  return {
    train,
    cases,
    info: {
      kind: 'leave-last-out',
      holdout: options.holdout ?? 'last',
      trainRows: train.item.length,
      testCases: cases.length,
      droppedCases: dropped,
    },
  };
}

/**
 * Temporal split: train on everything before the cut-off (default: testDays before the newest event); each
 * user with history before it is tested on the distinct items they engaged with after it.
 */
export function temporalSplit(
  d: Interactions,
  options: { testDays: number; excludeSeen?: boolean; cutoff?: number },
): Split {
  let newest = -Infinity;
  for (const t of d.time) newest = Math.max(newest, t);
  const cutoff = options.cutoff ?? newest - options.testDays * 86_400_000;
  const train = filterRows(d, (r) => d.time[r] < cutoff);
  const trainPtr = userOffsets(train);
  const targets = new Map<number, { items: number[]; now: number }>();
  const coldUsers = new Set<number>();
  for (let r = 0; r < d.user.length; r++) {
    const u = d.user[r];
    if (d.time[r] < cutoff || !POSITIVE.has(d.type[r])) continue;
    if (trainPtr[u + 1] === trainPtr[u]) {
      coldUsers.add(u);
      continue;
    }
    const entry = targets.get(u) ?? { items: [], now: cutoff };
    if (!entry.items.includes(d.item[r])) entry.items.push(d.item[r]);
    targets.set(u, entry);
  }
  const { cases, dropped } = makeCases(train, targets, options.excludeSeen ?? true);
  return {
    train,
    cases,
    info: {
      kind: 'temporal',
      cutoff: new Date(cutoff).toISOString(),
      testDays: options.testDays,
      trainRows: train.item.length,
      testCases: cases.length,
      droppedCases: dropped,
      coldUsers: coldUsers.size,
    },
  };
}
