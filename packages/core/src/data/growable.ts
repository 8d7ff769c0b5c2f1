type TypedArray = Int32Array | Float64Array | Uint8Array;
type Ctor<T extends TypedArray> = new (length: number) => T;

/** A copy of old in a new array of the same type, `length` long: a column's room grown. */
export function widened<T extends TypedArray | Float32Array>(old: T, length: number): T {
  const next = new (old.constructor as new (n: number) => T)(length);
  next.set(old as never);
  return next;
}

/** A typed array that doubles when full: millions of rows without boxed numbers. */
export class Growable<T extends TypedArray> {
  private data: T;
  length = 0;

  constructor(private readonly C: Ctor<T>) {
    this.data = new C(1024);
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new this.C(this.data.length * 2);
      bigger.set(this.data as never);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  at(i: number): number {
    return this.data[i];
  }

  /** Overwrites a value already pushed. */
  set(i: number, value: number): void {
    this.data[i] = value;
  }

  /** The filled part, as an array of its own. */
  toArray(): T {
    return this.data.slice(0, this.length) as T;
  }
}
