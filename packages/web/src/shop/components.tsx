import type { CSSProperties, ReactNode } from 'react';
import type { Item } from '@gu/sdk';
import { useI18n } from '../common/i18n.js';
import { Link } from '../common/router.js';
import { addToCart } from './cart.js';

/** A stable hue per text (FNV-1a), so that a category keeps its colour everywhere. */
function hueOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 360;
}

/** Up to two initials of the product name (before the package size): "Pizza/Economy, 10.2 Oz" → "PE". */
export function initialsOf(title: string): string {
  const words = title.split(',')[0].match(/[\p{L}\p{N}]+/gu) ?? [];
  return words
    .slice(0, 2)
    .map((w) => w[0].toUpperCase())
    .join('');
}

/**
 * The product's picture: no network images, a tile with its initials in its aisle's colour (shifted a little
 * per product, so that a row of one aisle is not a row of identical tiles), captioned with the aisle.
 */
export function ProductTile({ item, size = 'card' }: { item: Item; size?: 'card' | 'thumb' | 'hero' }) {
  const aisle = item.categories[1] ?? item.categories[0] ?? '';
  const hue = (hueOf(aisle || item.title) + (hueOf(item.itemId) % 36) - 18 + 360) % 360;
  const style = { '--hue': hue } as CSSProperties;
  return (
    <div className={`tile tile-${size}`} style={style} aria-hidden="true">
      <span className="tile-initials">{initialsOf(item.title)}</span>
      {size !== 'thumb' && aisle && <span className="tile-caption">{aisle}</span>}
    </div>
  );
}

export function Price({ amount, className = 'price' }: { amount: number; className?: string }) {
  const { price } = useI18n();
  return <span className={className}>{price(amount)}</span>;
}

/** A product in a list: tile, name, brand and size, price, a quick "add" button; optionally why it is shown. */
export function ProductCard({
  item,
  reason,
  onOpen,
}: {
  item: Item;
  reason?: ReactNode;
  /** Called before navigating to the product (a recommendation click). */
  onOpen?: () => void;
}) {
  const { t } = useI18n();
  const [name, size] = splitTitle(item.title);
  return (
    <article className="card" data-item-id={item.itemId}>
      <Link to={`/p/${encodeURIComponent(item.itemId)}`} className="card-link" onClick={onOpen}>
        <ProductTile item={item} />
        <h3 className="card-title">{name}</h3>
        <p className="card-meta">{[item.brand, size].filter(Boolean).join(' · ')}</p>
      </Link>
      {reason && <p className="reason">{reason}</p>}
      <div className="card-foot">
        <Price amount={item.price} />
        <button
          type="button"
          className="add-button"
          aria-label={`${t('shop.addToCart')}: ${item.title}`}
          onClick={() => addToCart(item, 1)}
        >
          +
        </button>
      </div>
    </article>
  );
}

/** "Ham, 16 Oz" → ["Ham", "16 Oz"]. */
export function splitTitle(title: string): [string, string | undefined] {
  const at = title.lastIndexOf(', ');
  return at > 0 ? [title.slice(0, at), title.slice(at + 2)] : [title, undefined];
}

export function Spinner() {
  const { t } = useI18n();
  return (
    <div className="spinner" role="status">
      <span className="spinner-dot" />
      {t('shop.loading')}
    </div>
  );
}

export function ErrorNote({ retry }: { retry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="error-note" role="alert">
      {t('shop.error')}
      {retry && (
        <button type="button" className="link-button" onClick={retry}>
          {t('shop.retry')}
        </button>
      )}
    </div>
  );
}

/** Placeholders the size of a grid of cards, while it loads (no layout jump). */
export function SkeletonGrid({ count = 4, row = false }: { count?: number; row?: boolean }) {
  return (
    <div className={row ? 'shelf-row' : 'grid'} aria-hidden="true">
      {Array.from({ length: count }, (_, i) => (
        <div className="card skeleton" key={i}>
          <div className="tile tile-card" />
          <div className="skeleton-line" />
          <div className="skeleton-line short" />
        </div>
      ))}
    </div>
  );
}
