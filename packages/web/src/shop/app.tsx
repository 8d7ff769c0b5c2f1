import { useState, type FormEvent, type ReactNode } from 'react';
import { localeStore, useI18n } from '../common/i18n.js';
import { Link, match, navigate, useLocation } from '../common/router.js';
import { useStore } from '../common/store.js';
import { SignInPage } from './account.js';
import { CategoryPage, SearchPage } from './browse.js';
import { cartCount, cartStore, toastStore } from './cart.js';
import { CartPage, CheckoutPage, OrderPage } from './checkout.js';
import { userStore } from './gu.js';
import { CategoriesPage, HomePage } from './home.js';
import { ProductPage } from './product.js';

const routes: [string, (p: Record<string, string>) => ReactNode][] = [
  ['/', () => <HomePage />],
  ['/categories', () => <CategoriesPage />],
  ['/c/:name', (p) => <CategoryPage name={p.name} />],
  ['/search', () => <SearchPage />],
  ['/p/:itemId', (p) => <ProductPage key={p.itemId} itemId={p.itemId} />],
  ['/cart', () => <CartPage />],
  ['/checkout', () => <CheckoutPage />],
  ['/order/:orderId', (p) => <OrderPage orderId={p.orderId} />],
  ['/signin', () => <SignInPage />],
];

export function App() {
  const { path } = useLocation();
  let page: ReactNode = <NotFound />;
  for (const [pattern, render] of routes) {
    const params = match(pattern, path);
    if (params) {
      page = render(params);
      break;
    }
  }
  return (
    <>
      <Header />
      <main className="page">{page}</main>
      <Footer />
      <Toast />
    </>
  );
}

/** A one-path icon in the text colour. */
const icon = (d: string, size = 24) =>
  function Icon() {
    return (
      <svg viewBox="0 0 24 24" width={size} height={size} aria-hidden="true">
        <path fill="currentColor" d={d} />
      </svg>
    );
  };

const CartIcon = icon(
  'M7 18a2 2 0 1 0 0 4 2 2 0 0 0 0-4Zm10 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4ZM5.2 4l.6 3H21l-2.2 8.1a2 2 0 0 1-1.9 1.4H8.4a2 2 0 0 1-2-1.6L4.3 4H2V2h3.9c.5 0 .9.3 1 .8L5.2 4Z',
);
const UserIcon = icon('M12 12a5 5 0 1 0 0-10 5 5 0 0 0 0 10Zm0 2c-4.4 0-8 2.2-8 5v3h16v-3c0-2.8-3.6-5-8-5Z');
const SearchIcon = icon(
  'M10 2a8 8 0 0 1 6.3 12.9l5.4 5.4-1.4 1.4-5.4-5.4A8 8 0 1 1 10 2Zm0 2a6 6 0 1 0 0 12 6 6 0 0 0 0-12Z',
  20,
);

function Header() {
  const { t, locale } = useI18n();
  const count = cartCount(useStore(cartStore));
  const user = useStore(userStore);
  const { path, query } = useLocation();
  const [q, setQ] = useState(path === '/search' ? (query.get('q') ?? '') : '');
  const search = (event: FormEvent) => {
    event.preventDefault();
    if (q.trim()) navigate(`/search?q=${encodeURIComponent(q.trim())}`);
  };
  return (
    <header className="top">
      <div className="top-row">
        <Link to="/" className="logo" aria-label={t('shop.home')}>
          <span className="logo-mark">Gu</span>
          <span className="logo-text">Mart</span>
        </Link>
        <div className="top-actions">
          <button
            type="button"
            className="lang"
            onClick={() => localeStore.set(locale === 'vi' ? 'en' : 'vi')}
            aria-label={t('shop.language')}
          >
            {locale === 'vi' ? 'EN' : 'VI'}
          </button>
          <Link
            to="/signin"
            className="icon-link"
            aria-label={user ? t('shop.hello', { name: user }) : t('shop.signIn')}
          >
            <UserIcon />
            <span className="icon-label">{user ? user : t('shop.signIn')}</span>
          </Link>
          <Link to="/cart" className="icon-link cart-link" aria-label={t('shop.cart')}>
            <CartIcon />
            {count > 0 && (
              <span className="cart-count" data-testid="cart-count">
                {count}
              </span>
            )}
          </Link>
        </div>
      </div>
      <form className="search" role="search" onSubmit={search}>
        <input
          type="search"
          name="q"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder={t('shop.search')}
          aria-label={t('shop.search')}
          enterKeyHint="search"
        />
        <button type="submit" aria-label={t('shop.searchButton')}>
          <SearchIcon />
        </button>
      </form>
    </header>
  );
}

function Footer() {
  const { t } = useI18n();
  return (
    <footer className="foot">
      <p>
        <strong>{t('shop.name')}</strong> · {t('shop.tagline')}
      </p>
      <p className="foot-note">
        {t('shop.freeShip')} · {t('shop.cod')}
      </p>
    </footer>
  );
}

function Toast() {
  const { t } = useI18n();
  const toast = useStore(toastStore);
  if (!toast) return null;
  return (
    <div className="toast" role="status">
      ✓ {t('shop.added')}
    </div>
  );
}

function NotFound() {
  const { t } = useI18n();
  return (
    <div className="empty">
      <p>{t('shop.notFound')}</p>
      <Link to="/" className="button">
        {t('shop.backHome')}
      </Link>
    </div>
  );
}
