import { EventCode } from '../domain/events.js';
import { InteractionsBuilder, type Interactions } from '../data/interactions.js';
import { mulberry32 } from './random.js';

/**
 * Two shopper tribes with clear taste: tribe A browses items 0–9, tribe B items 10–19, each walking forward
 * through its block (i → i+1 → i+2 …). Every shopper also buys item i together with item i+5 in one basket.
 * Item 20 is a catalog item nobody touched.
 */
export function tribes(users = 40, seed = 1): Interactions {
  const b = new InteractionsBuilder();
  const next = mulberry32(seed);
  const hour = 3_600_000;
  for (let u = 0; u < users; u++) {
    const base = u % 2 === 0 ? 0 : 10;
    const start = Math.floor(next() * 10);
    let t = Date.UTC(2026, 0, 1) + u * hour;
    for (let s = 0; s < 6; s++)
      b.add(`u${u}`, `i${base + ((start + s) % 10)}`, (t += 60_000), EventCode.view);
    const bought = base + (start % 5);
    b.add(`u${u}`, `i${bought}`, (t += 60_000), EventCode.purchase, `o${u}`);
    b.add(`u${u}`, `i${bought + 5}`, t, EventCode.purchase, `o${u}`);
  }
  b.items.intern('i20');
  return b.build();
}

/** Index of an item id in the fixture. */
export const item = (data: Interactions, id: string) => data.itemIds.indexOf(id);
