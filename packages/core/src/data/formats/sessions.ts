import { EventCode } from '../../domain/events.js';
import type { EvalCase } from '../../evaluation/split.js';
import { queryOf } from '../../recipes/query.js';
import { InteractionsBuilder, type Interactions } from '../interactions.js';
import { QualityCounter, type DataQuality } from './quality.js';

export interface SessionDataset {
  train: Interactions;
  cases: EvalCase[];
  quality: DataQuality;
}

const tokensOf = (s: string) => s.trim().split(/\s+/).filter(Boolean);

/**
 * A session-based dataset in the SR-GNN format: training sessions one a line (`item item …`), and test cases
 * `prefix items<TAB>next item`. Each training session is a shopper of its own; each test prefix is an
 * anonymous shopper (user -1) whose history is the prefix, in order.
 */
export async function parseSessionDataset(
  trainLines: AsyncIterable<string>,
  testLines: AsyncIterable<string>,
): Promise<SessionDataset> {
  const builder = new InteractionsBuilder();
  const quality = new QualityCounter();
  let lineNo = 0;
  for await (const line of trainLines) {
    lineNo++;
    const items = tokensOf(line);
    if (!items.length) continue;
    items.forEach((item, t) => builder.add(`s${lineNo}`, item, t, EventCode.view));
    quality.ok();
  }
  const tests: { prefix: number[]; target: number }[] = [];
  lineNo = 0;
  for await (const line of testLines) {
    lineNo++;
    if (!line.trim()) continue;
    const [prefix, target] = line.split('\t');
    const items = tokensOf(prefix ?? '');
    const next = tokensOf(target ?? '');
    if (!items.length || next.length !== 1) {
      quality.reject('test line is not `prefix items<TAB>next item`', lineNo);
      continue;
    }
    tests.push({ prefix: items.map((i) => builder.items.intern(i)), target: builder.items.intern(next[0]) });
    quality.ok();
  }
  const cases = tests.map(({ prefix, target }) => ({
    query: queryOf(
      -1,
      prefix.map((item) => ({ item })),
    ),
    targets: Int32Array.of(target),
  }));
  return { train: builder.build(), cases, quality: quality.report() };
}
