import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCompleteJourney, type Gu } from '@gu/core';
import { readLines } from './lines.js';
import { Progress } from './progress.js';

/** Where the demo shop's data is looked for: GU_DEMO_DATA, else the shared datasets beside the repository. */
export function findDemoData(): string | undefined {
  const candidates = [
    process.env.GU_DEMO_DATA,
    resolve('../shared/datasets/completejourney'),
    resolve(import.meta.dirname, '../../../../../shared/datasets/completejourney'),
  ];
  return candidates.find((dir) => dir && existsSync(join(dir, 'products.csv')));
}

/**
 * Seeds the demo shop: the Complete Journey products become the catalog (VND prices), its baskets the purchase
 * history, moved in time so that the newest basket was an hour ago, all sent through the regular ingest path.
 */
export async function seedDemo(
  gu: Gu,
  dir: string,
  progress = new Progress(),
): Promise<{ items: number; events: number }> {
  progress.start('reading the demo shop', 1);
  const { items, events, quality } = await parseCompleteJourney(
    readLines(join(dir, 'products.csv')),
    readLines(join(dir, 'transactions_sample.csv')),
    { shiftTo: Date.now() - 3_600_000 },
  );
  progress.stop();
  if (!quality.passes)
    throw new Error(`the demo data failed the quality gate: ${JSON.stringify(quality.errors)}`);
  progress.start('importing the catalog', items.length);
  for (let i = 0; i < items.length; i += 1000) {
    await gu.putItems(items.slice(i, i + 1000));
    progress.update(Math.min(items.length, i + 1000));
  }
  progress.stop();
  progress.start('importing purchase history', events.length);
  for (let i = 0; i < events.length; i += 500) {
    const batch = events.slice(i, i + 500).map(({ receivedAt: _received, ...e }) => e);
    await gu.ingest(batch);
    progress.update(Math.min(events.length, i + 500));
  }
  await gu.processor.drain();
  progress.stop();
  return { items: items.length, events: events.length };
}
