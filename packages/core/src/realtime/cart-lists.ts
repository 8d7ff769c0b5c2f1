/** The empty cart's head. */
export const NO_NODE = -1;

/**
 * Every shopper's cart as a linked list of (item number, quantity) nodes in three shared typed arrays, in the
 * order the items were first added. A shopper holds only the number of their list's first node; carts then
 * cost the garbage collector nothing, where a Map per cart was an object graph it traced on every collection.
 */
export class CartLists {
  private item = new Int32Array(1024);
  private quantity = new Float64Array(1024);
  private next = new Int32Array(1024);
  /** Nodes in use or freed; freed ones are chained from freeHead through next. */
  private used = 0;
  private freeHead = NO_NODE;

  /** The item's quantity in the list starting at head, 0 when it is not there. */
  quantityOf(head: number, item: number): number {
    for (let node = head; node !== NO_NODE; node = this.next[node])
      if (this.item[node] === item) return this.quantity[node];
    return 0;
  }

  /** Sets the item's quantity (a quantity ≤ 0 takes it out); returns the list's head, which may change. */
  set(head: number, item: number, quantity: number): number {
    let previous = NO_NODE;
    for (let node = head; node !== NO_NODE; previous = node, node = this.next[node]) {
      if (this.item[node] !== item) continue;
      if (quantity > 0) {
        this.quantity[node] = quantity;
        return head;
      }
      const after = this.next[node];
      this.free(node);
      if (previous === NO_NODE) return after;
      this.next[previous] = after;
      return head;
    }
    if (quantity <= 0) return head;
    const node = this.allocate();
    this.item[node] = item;
    this.quantity[node] = quantity;
    this.next[node] = NO_NODE;
    if (previous === NO_NODE) return node;
    this.next[previous] = node;
    return head;
  }

  /** Calls each with every (item, quantity) of the list, in order. */
  forEach(head: number, each: (item: number, quantity: number) => void): void {
    for (let node = head; node !== NO_NODE; node = this.next[node])
      each(this.item[node], this.quantity[node]);
  }

  /** Frees the whole list, telling each its items. */
  clear(head: number, each: (item: number) => void): void {
    for (let node = head; node !== NO_NODE;) {
      const after = this.next[node];
      each(this.item[node]);
      this.free(node);
      node = after;
    }
  }

  private allocate(): number {
    if (this.freeHead !== NO_NODE) {
      const node = this.freeHead;
      this.freeHead = this.next[node];
      return node;
    }
    if (this.used === this.item.length) {
      const grow = <T extends Int32Array | Float64Array>(a: T, b: T) => (b.set(a), b);
      this.item = grow(this.item, new Int32Array(this.used * 2));
      this.quantity = grow(this.quantity, new Float64Array(this.used * 2));
      this.next = grow(this.next, new Int32Array(this.used * 2));
    }
    return this.used++;
  }

  private free(node: number): void {
    this.next[node] = this.freeHead;
    this.freeHead = node;
  }
}
