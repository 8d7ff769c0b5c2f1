/**
 * Item ids numbered for storage in typed arrays, each counted by the places that hold it: an id nobody holds
 * any more gives its number back, so the table is as large as the ids the shoppers' states hold now, however
 * many different ids (a stream of made-up ones, say) came and went.
 */
export class InternedIds {
  private readonly numbers = new Map<string, number>();
  /** Id of each number ('' for a number given back), and how many places hold it. */
  private readonly ids: string[] = [];
  private readonly holders: number[] = [];
  /** How many times each number was given back: what is remembered of a number holds for one life of it. */
  private readonly lives: number[] = [];
  private readonly freed: number[] = [];

  /** Ids held now. */
  get size(): number {
    return this.numbers.size;
  }

  /** The id's number, held once more (numbered on its first hold). */
  hold(id: string): number {
    let n = this.numbers.get(id);
    if (n === undefined) {
      n = this.freed.pop() ?? this.ids.length;
      if (n === this.ids.length) {
        this.ids.push(id);
        this.holders.push(0);
        this.lives.push(0);
      } else this.ids[n] = id;
      this.numbers.set(id, n);
    }
    this.holders[n]++;
    return n;
  }

  /** One more holder of a number already held. */
  retain(n: number): void {
    this.holders[n]++;
  }

  /** One holder fewer; the last one gives the number back. */
  release(n: number): void {
    if (--this.holders[n] > 0) return;
    this.numbers.delete(this.ids[n]);
    this.ids[n] = '';
    this.lives[n]++;
    this.freed.push(n);
  }

  /** Changes each time the number is given back (and may then stand for another id). */
  life(n: number): number {
    return this.lives[n];
  }

  /** The number of an id held now, without holding it. */
  numberOf(id: string): number | undefined {
    return this.numbers.get(id);
  }

  id(n: number): string {
    return this.ids[n];
  }
}
