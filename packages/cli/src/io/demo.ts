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
 * history, moved in time so that the newest basket lands at shiftTo (an hour ago), all sent through the regular
 * ingest path. Seeding again with the same shiftTo changes nothing: items are upserts, and events keep their
 * eventIds (basket and product), so the log stores each once.
 */
async function seedDemo(
  gu: Gu,
  dir: string,
  progress: Progress,
  shiftTo: number,
): Promise<{ items: number; events: number }> {
  progress.start('reading the demo shop', 1);
  const { items, events, quality } = await parseCompleteJourney(
    readLines(join(dir, 'products.csv')),
    readLines(join(dir, 'transactions_sample.csv')),
    { shiftTo },
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

/** Recorded when a seeding starts, and kept until it has finished: what a later start resumes. */
const SEEDING = 'demo/seeding';
/** Recorded once the demo shop is imported and trained: a later start leaves it alone. */
const SEEDED = 'demo/seeded';

interface Seeding {
  startedAt: number;
  /** Where the newest demo purchase lands; a resumed seeding reuses it, so re-imported events are duplicates. */
  shiftTo: number;
}

/**
 * Whether the demo shop is to be set up on this start: on the first run (no catalog, no events), and on every
 * later run until a seeding that started has finished, so that one cut short (Ctrl-C, a crash, a failed
 * training) is resumed instead of leaving a shop without models. A shop holding data without a seeding ever
 * started (the operator's own, or imported with gu import) is left alone.
 */
export async function demoPending(gu: Gu): Promise<'first run' | 'resumed' | undefined> {
  if (await gu.stores.meta.get(SEEDED)) return undefined;
  if (await gu.stores.meta.get(SEEDING)) return 'resumed';
  return gu.catalog.size === 0 && (await gu.stores.log.last()) === 0 ? 'first run' : undefined;
}

/**
 * Sets the demo shop up, or finishes setting it up after an interruption: imports it (again: what is already
 * there is kept as is), trains and serves every recipe, and only then records it done.
 */
export async function setUpDemo(
  gu: Gu,
  dir: string,
  progress = new Progress(),
): Promise<{ items: number; events: number; models: string[] }> {
  const now = Date.now();
  let seeding = await gu.stores.meta.get<Seeding>(SEEDING);
  if (!seeding) {
    seeding = { startedAt: now, shiftTo: now - 3_600_000 };
    await gu.stores.meta.set(SEEDING, seeding);
  }
  const imported = await seedDemo(gu, dir, progress, seeding.shiftTo);
  progress.start('training the recipes', 1);
  const report = await gu.train({ promote: 'always' });
  progress.stop();
  const seeded = { ...imported, models: report.promoted };
  await gu.stores.meta.set(SEEDED, { ...seeded, at: Date.now() });
  await gu.stores.meta.delete(SEEDING);
  return seeded;
}
