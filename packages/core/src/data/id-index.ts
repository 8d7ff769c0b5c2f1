/** A dense index over string ids: each new id gets the next integer, so data can live in typed arrays. */
export class IdIndex {
  readonly ids: string[];
  private readonly index = new Map<string, number>();

  constructor(ids: readonly string[] = []) {
    this.ids = [];
    for (const id of ids) this.intern(id);
  }

  get size(): number {
    return this.ids.length;
  }

  /** The index of id, added when it is new. */
  intern(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.push(id) - 1;
      this.index.set(id, i);
    }
    return i;
  }

  /** The index of id, or -1 when it is unknown. */
  get(id: string): number {
    return this.index.get(id) ?? -1;
  }
}
