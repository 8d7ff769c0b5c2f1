import { Growable } from '../data/growable.js';

/** The empty cart's head. */
export const NO_NODE = -1;

/**
 * Every shopper's cart as a linked list of (item number, quantity) nodes in three shared typed arrays, in the
 * order the items were first added. A shopper holds only the number of their list's first node; carts then
 * cost the garbage collector nothing, where a Map per cart was an object graph it traced on every collection.
 */
export class CartLists {
  private readonly item = new Growable(Int32Array);
  private readonly quantity = new Growable(Float64Array);
  /** The next node of a list, or of the chain of freed nodes that starts at freeHead. */
  private readonly next = new Growable(Int32Array);
  private freeHead = NO_NODE;

  /** The item's quantity in the list starting at head, 0 when it is not there. */
  quantityOf(head: number, item: number): number {
    for (let node = head; node !== NO_NODE; node = this.next.at(node))
      if (this.item.at(node) === item) return this.quantity.at(node);
    return 0;
  }

  /** Sets the item's quantity (a quantity ≤ 0 takes it out); returns the list's head, which may change. */
  set(head: number, item: number, quantity: number): number {
    let previous = NO_NODE;
    for (let node = head; node !== NO_NODE; previous = node, node = this.next.at(node)) {
      if (this.item.at(node) !== item) continue;
      if (quantity > 0) {
        this.quantity.set(node, quantity);
        return head;
      }
      const after = this.next.at(node);
      this.free(node);
      if (previous === NO_NODE) return after;
      this.next.set(previous, after);
      return head;
    }
    if (quantity <= 0) return head;
    const node = this.allocate(item, quantity);
    if (previous === NO_NODE) return node;
    this.next.set(previous, node);
    return head;
  }

  /** Calls each with every (item, quantity) of the list, in order. */
  forEach(head: number, each: (item: number, quantity: number) => void): void {
    for (let node = head; node !== NO_NODE; node = this.next.at(node))
      each(this.item.at(node), this.quantity.at(node));
  }

  /** Frees the whole list, telling each its items. */
  clear(head: number, each: (item: number) => void): void {
    for (let node = head; node !== NO_NODE;) {
      const after = this.next.at(node);
      each(this.item.at(node));
      this.free(node);
      node = after;
    }
  }

  /** A node of its own, last in its list: a freed one if there is one. */
  private allocate(item: number, quantity: number): number {
    if (this.freeHead === NO_NODE) {
      this.item.push(item);
      this.quantity.push(quantity);
      this.next.push(NO_NODE);
      return this.item.length - 1;
    }
    const node = this.freeHead;
    this.freeHead = this.next.at(node);
    this.item.set(node, item);
    this.quantity.set(node, quantity);
    this.next.set(node, NO_NODE);
    return node;
  }

  private free(node: number): void {
    this.next.set(node, this.freeHead);
    this.freeHead = node;
  }
}
