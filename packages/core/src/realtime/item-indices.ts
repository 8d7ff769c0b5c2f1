import type { InternedIds } from './interned-ids.js';

/** Whatever numbers items its own way, as a model does: the mapping must never change for one indexer. */
export interface ItemIndexer {
  /** The indexer's number of an item, -1 for one it does not know. */
  indexOf(itemId: string): number;
}

/**
 * An indexer's number for each item number of the shoppers' states, looked up once and then remembered.
 * Looking an id up in a model's key table reads the id's characters, a bucket, a record and the stored
 * characters, a cache miss each on a serving path that runs between HTTP work: about a microsecond per id,
 * and a product page's request looks up a dozen. A remembered index is three reads. An item number given
 * back and used again for another id has a new life (InternedIds.life), so what was remembered of it is not
 * used.
 */
export class ItemIndices {
  /** Per item number, side by side: its life when remembered + 1 (0: never), then the index. */
  private remembered = new Int32Array(2 * 1024);

  constructor(
    private readonly ids: InternedIds,
    private readonly indexer: ItemIndexer,
  ) {}

  of(item: number): number {
    if (2 * item >= this.remembered.length) this.grow(item);
    const life = this.ids.life(item) + 1;
    if (this.remembered[2 * item] === life) return this.remembered[2 * item + 1];
    const index = this.indexer.indexOf(this.ids.id(item));
    this.remembered[2 * item] = life;
    this.remembered[2 * item + 1] = index;
    return index;
  }

  private grow(item: number): void {
    let length = this.remembered.length * 2;
    while (2 * item >= length) length *= 2;
    const larger = new Int32Array(length);
    larger.set(this.remembered);
    this.remembered = larger;
  }
}
