import { useEffect, useState } from 'react';
import type { Item } from '@gu/sdk';
import { useI18n } from '../common/i18n.js';
import { Link } from '../common/router.js';
import { addToCart } from './cart.js';
import { ErrorNote, Price, ProductTile, Spinner, splitTitle } from './components.js';
import { client, loadItem, recommend, track } from './gu.js';
import { RecoShelf } from './reco.js';

export function ProductPage({ itemId }: { itemId: string }) {
  const { t } = useI18n();
  const [item, setItem] = useState<Item | null>();
  const [quantity, setQuantity] = useState(1);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    void loadItem(itemId).then((found) => {
      if (!live) return;
      // The view is queued before the widgets below ask for recommendations, which send it first.
      if (found) track((tracker) => tracker.view(itemId));
      setItem(found ?? null);
    });
    return () => {
      live = false;
    };
  }, [itemId, attempt]);

  if (item === undefined) return <Spinner />;
  if (item === null) return <ErrorNote retry={() => setAttempt((a) => a + 1)} />;
  const [name, size] = splitTitle(item.title);
  const size2 = typeof item.attributes.packageSize === 'string' ? item.attributes.packageSize : size;
  return (
    <>
      <nav className="crumbs" aria-label="breadcrumb">
        <Link to="/">{t('shop.home')}</Link>
        {item.categories.slice(0, 2).map((c) => (
          <span key={c}>
            {' › '}
            <Link to={`/c/${encodeURIComponent(c)}`}>{c}</Link>
          </span>
        ))}
      </nav>
      <article className="product" data-item-id={item.itemId}>
        <ProductTile item={item} size="hero" />
        <div className="product-info">
          <h1 className="product-title">{name}</h1>
          <Price amount={item.price} className="price price-big" />
          <dl className="facts">
            {item.brand && (
              <>
                <dt>{t('shop.brand')}</dt>
                <dd>{item.brand}</dd>
              </>
            )}
            {size2 && (
              <>
                <dt>{t('shop.size')}</dt>
                <dd>{size2}</dd>
              </>
            )}
            <dt>{t('shop.sku')}</dt>
            <dd>{item.itemId}</dd>
          </dl>
          <p className="perks">
            ✓ {t('shop.freeShip')}
            <br />✓ {t('shop.cod')}
          </p>
          <div className="buy-bar">
            <div className="stepper" aria-label={t('shop.quantity')}>
              <button
                type="button"
                onClick={() => setQuantity((q) => Math.max(1, q - 1))}
                aria-label={t('cart.decrease')}
              >
                −
              </button>
              <output>{quantity}</output>
              <button
                type="button"
                onClick={() => setQuantity((q) => Math.min(99, q + 1))}
                aria-label={t('cart.increase')}
              >
                +
              </button>
            </div>
            <button type="button" className="button buy" onClick={() => addToCart(item, quantity)}>
              {t('shop.addToCart')}
            </button>
          </div>
        </div>
      </article>
      <RecoShelf
        widget="pdp"
        title={t('reco.alsoViewed')}
        reload={itemId}
        load={() => recommend('pdp', { itemId, n: 10 })}
      />
      <RecoShelf
        widget="bought-together"
        title={t('reco.boughtTogether')}
        reload={itemId}
        load={async () => ({
          recipe: 'bought-together',
          items: (await client.boughtTogether(itemId, 10)).map((i) => ({
            ...i,
            reason: i.reason ?? { type: 'bought-together' as const, itemId },
          })),
        })}
      />
    </>
  );
}
