import { EventCode } from '../../domain/events.js';
import { InteractionsBuilder } from '../interactions.js';
import type { ParsedInteractions } from './interactions-csv.js';
import { QualityCounter } from './quality.js';

/**
 * User sequences, one user a line: `user item item …` in chronological order (the format of the published
 * Beauty split). There are no timestamps, so an event's time is its position in the sequence.
 */
export async function parseUserSequences(lines: AsyncIterable<string>): Promise<ParsedInteractions> {
  const builder = new InteractionsBuilder();
  const quality = new QualityCounter();
  const next = new Map<string, number>();
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    const tokens = line.trim().split(/\s+/);
    if (!tokens[0]) continue;
    if (tokens.length < 2) {
      quality.reject('a user without items', lineNo);
      continue;
    }
    // A user on several lines continues where the last line stopped (positions restarting at 0 would
    // interleave the lines once rows are ordered by time).
    const start = next.get(tokens[0]) ?? 0;
    for (let t = 1; t < tokens.length; t++) builder.add(tokens[0], tokens[t], start + t - 1, EventCode.view);
    next.set(tokens[0], start + tokens.length - 1);
    quality.ok();
  }
  return { data: builder.build(), quality: quality.report() };
}
