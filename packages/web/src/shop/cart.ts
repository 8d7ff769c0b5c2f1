import type { Item } from '@gu/sdk';
import { Store } from '../common/store.js';
import { remember, track } from './gu.js';

export interface CartLine {
  itemId: string;
  quantity: number;
  /** Unit price when added (VND). */
  price: number;
  title: string;
}

/** The cart lives in the browser (localStorage); every change is also an event, so Gu knows the cart. */
export const cartStore = new Store<CartLine[]>([], 'gu.cart');
/** A short confirmation after adding, shown by the shell. */
export const toastStore = new Store<string | undefined>(undefined);

let toastTimer: ReturnType<typeof setTimeout> | undefined;

export function addToCart(item: Item, quantity: number): void {
  remember([item]);
  const lines = cartStore.get();
  const line = lines.find((l) => l.itemId === item.itemId);
  cartStore.set(
    line
      ? lines.map((l) => (l === line ? { ...l, quantity: l.quantity + quantity } : l))
      : [...lines, { itemId: item.itemId, quantity, price: item.price, title: item.title }],
  );
  track((t) => t.addToCart(item.itemId, quantity, item.price));
  toastStore.set(item.title);
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => toastStore.set(undefined), 2200);
}

/** Sets a line's quantity (0 removes it); a decrease is a remove_from_cart event, an increase an add. */
export function setQuantity(itemId: string, quantity: number): void {
  const lines = cartStore.get();
  const line = lines.find((l) => l.itemId === itemId);
  if (!line || quantity === line.quantity) return;
  const change = quantity - line.quantity;
  cartStore.set(
    quantity > 0 ? lines.map((l) => (l === line ? { ...l, quantity } : l)) : lines.filter((l) => l !== line),
  );
  track((t) => (change > 0 ? t.addToCart(itemId, change, line.price) : t.removeFromCart(itemId, -change)));
}

export function clearCart(): void {
  cartStore.set([]);
}

export const cartCount = (lines: CartLine[]) => lines.reduce((n, l) => n + l.quantity, 0);
export const cartTotal = (lines: CartLine[]) => lines.reduce((n, l) => n + l.quantity * l.price, 0);

/** Orders from this amount ship free; below it, a flat fee. */
export const FREE_SHIPPING_FROM = 300_000;
export const SHIPPING_FEE = 15_000;
export const shippingOf = (subtotal: number) =>
  subtotal >= FREE_SHIPPING_FROM || subtotal === 0 ? 0 : SHIPPING_FEE;
