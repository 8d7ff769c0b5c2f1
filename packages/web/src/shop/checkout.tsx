import { useState, type FormEvent } from 'react';
import { useI18n } from '../common/i18n.js';
import { Link, navigate } from '../common/router.js';
import { useStore } from '../common/store.js';
import {
  cartCount,
  cartStore,
  cartTotal,
  clearCart,
  setQuantity,
  shippingOf,
  type CartLine,
} from './cart.js';
import { Price, ProductTile, splitTitle } from './components.js';
import { flush, listOf, recommend, track, useItems } from './gu.js';
import { RecoShelf } from './reco.js';

function Totals({ lines }: { lines: CartLine[] }) {
  const { t, price } = useI18n();
  const subtotal = cartTotal(lines);
  const shipping = shippingOf(subtotal);
  return (
    <dl className="totals">
      <dt>{t('cart.subtotal')}</dt>
      <dd>{price(subtotal)}</dd>
      <dt>{t('cart.shipping')}</dt>
      <dd>{shipping ? price(shipping) : t('cart.free')}</dd>
      <dt className="total">{t('cart.total')}</dt>
      <dd className="total" data-testid="cart-total">
        {price(subtotal + shipping)}
      </dd>
    </dl>
  );
}

export function CartPage() {
  const { t } = useI18n();
  const lines = useStore(cartStore);
  const items = useItems(lines.map((l) => l.itemId));
  // The cart widget follows the cart: a new answer after each change.
  const cartKey = lines.map((l) => `${l.itemId}x${l.quantity}`).join(',');
  return (
    <>
      <h1 className="page-title">{t('cart.title')}</h1>
      {lines.length === 0 ? (
        <div className="empty">
          <p>{t('cart.empty')}</p>
          <Link to="/" className="button">
            {t('cart.shopNow')}
          </Link>
        </div>
      ) : (
        <div className="cart">
          <ul className="cart-lines">
            {lines.map((line) => {
              const item = items.get(line.itemId);
              return (
                <li key={line.itemId} className="cart-line" data-item-id={line.itemId}>
                  <Link to={`/p/${encodeURIComponent(line.itemId)}`} className="cart-thumb">
                    {item && <ProductTile item={item} size="thumb" />}
                  </Link>
                  <div className="cart-line-body">
                    <Link to={`/p/${encodeURIComponent(line.itemId)}`} className="cart-line-title">
                      {line.title}
                    </Link>
                    <Price amount={line.price} className="price price-small" />
                    <div className="stepper stepper-small">
                      <button
                        type="button"
                        onClick={() => setQuantity(line.itemId, line.quantity - 1)}
                        aria-label={t('cart.decrease')}
                      >
                        −
                      </button>
                      <output>{line.quantity}</output>
                      <button
                        type="button"
                        onClick={() => setQuantity(line.itemId, line.quantity + 1)}
                        aria-label={t('cart.increase')}
                      >
                        +
                      </button>
                    </div>
                  </div>
                  <div className="cart-line-end">
                    <Price amount={line.price * line.quantity} />
                    <button type="button" className="link-button" onClick={() => setQuantity(line.itemId, 0)}>
                      {t('cart.remove')}
                    </button>
                  </div>
                </li>
              );
            })}
          </ul>
          <div className="cart-summary">
            <p className="muted-line">{t('cart.items', { count: cartCount(lines) })}</p>
            <Totals lines={lines} />
            <Link to="/checkout" className="button button-wide checkout-button">
              {t('cart.checkout')}
            </Link>
          </div>
        </div>
      )}
      {lines.length > 0 && (
        <RecoShelf
          widget="cart"
          title={t('reco.completeOrder')}
          reload={cartKey}
          load={() => recommend('cart', { n: 10 })}
        />
      )}
    </>
  );
}

/** A Vietnamese mobile or landline number: 10 digits starting with 0 (+84 accepted). */
const PHONE = /^(0|\+84)\d{9}$/;

export function CheckoutPage() {
  const { t } = useI18n();
  const lines = useStore(cartStore);
  const [form, setForm] = useState({ name: '', phone: '', address: '' });
  const [errors, setErrors] = useState<Partial<Record<keyof typeof form, string>>>({});
  const [placing, setPlacing] = useState(false);

  if (lines.length === 0 && !placing)
    return (
      <div className="empty">
        <p>{t('cart.empty')}</p>
        <Link to="/" className="button">
          {t('cart.shopNow')}
        </Link>
      </div>
    );

  const field = (name: keyof typeof form, label: string, extra: Record<string, string> = {}) => (
    <label className="field">
      <span>{label}</span>
      <input
        name={name}
        value={form[name]}
        onChange={(e) => setForm({ ...form, [name]: e.target.value })}
        aria-invalid={errors[name] ? true : undefined}
        {...extra}
      />
      {errors[name] && <small className="field-error">{errors[name]}</small>}
    </label>
  );

  const place = async (event: FormEvent) => {
    event.preventDefault();
    const found: typeof errors = {};
    if (!form.name.trim()) found.name = t('checkout.required', { field: t('checkout.name').toLowerCase() });
    if (!PHONE.test(form.phone.replace(/[\s.-]/g, ''))) found.phone = t('checkout.phoneInvalid');
    if (!form.address.trim())
      found.address = t('checkout.required', { field: t('checkout.address').toLowerCase() });
    setErrors(found);
    if (Object.keys(found).length) return;
    setPlacing(true);
    // No payment: the order is the purchase events, one per line, with the order's id. The delivery details
    // stay in this page: personal data goes to Gu only through the shop's back office (PUT /v1/users).
    const orderId = `GU${Date.now().toString(36).toUpperCase()}`;
    track((tracker) =>
      tracker.purchase(
        orderId,
        lines.map((l) => ({
          itemId: l.itemId,
          quantity: l.quantity,
          price: l.price,
          recommendationId: listOf(l.itemId),
        })),
      ),
    );
    await flush();
    clearCart();
    navigate(`/order/${orderId}`, { replace: true });
  };

  return (
    <form className="checkout" onSubmit={place} noValidate>
      <h1 className="page-title">{t('checkout.title')}</h1>
      <div className="checkout-grid">
        <fieldset className="panel">
          {field('name', t('checkout.name'), { autoComplete: 'name' })}
          {field('phone', t('checkout.phone'), { type: 'tel', autoComplete: 'tel', inputMode: 'tel' })}
          {field('address', t('checkout.address'), {
            autoComplete: 'street-address',
            placeholder: t('checkout.addressHint'),
          })}
          <p className="pay">
            <strong>{t('checkout.payment')}</strong>
            <br />
            {t('checkout.codNote')}
          </p>
        </fieldset>
        <aside className="panel">
          <h2>{t('checkout.summary')}</h2>
          <ul className="summary-lines">
            {lines.map((l) => (
              <li key={l.itemId}>
                <span>
                  {l.quantity} × {splitTitle(l.title)[0]}
                </span>
                <Price amount={l.quantity * l.price} className="price price-small" />
              </li>
            ))}
          </ul>
          <Totals lines={lines} />
          <button type="submit" className="button button-wide" disabled={placing}>
            {placing ? t('checkout.placing') : t('checkout.place')}
          </button>
        </aside>
      </div>
    </form>
  );
}

export function OrderPage({ orderId }: { orderId: string }) {
  const { t } = useI18n();
  return (
    <div className="done">
      <div className="done-mark" aria-hidden="true">
        ✓
      </div>
      <h1>{t('order.thanks')}</h1>
      <p className="order-id" data-order-id={orderId}>
        {t('order.number', { id: orderId })}
      </p>
      <p>{t('order.text')}</p>
      <Link to="/" className="button">
        {t('order.continue')}
      </Link>
    </div>
  );
}
