import { useEffect, useState } from 'react';
import type { CategoryNode, Item } from '@gu/sdk';
import { useI18n } from '../common/i18n.js';
import { Link, useLocation } from '../common/router.js';
import { ErrorNote, ProductCard, SkeletonGrid } from './components.js';
import { client, remember, track } from './gu.js';
import { CategoryChips, useCategories } from './home.js';

const PAGE = 24;

/** Pages of catalog items for a query, with "show more". */
function useItemPages(query: { category?: string; q?: string }) {
  const key = JSON.stringify(query);
  const [pages, setPages] = useState<{ key: string; items: Item[]; total: number }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const load = (offset: number) => {
    setBusy(true);
    setError(undefined);
    client.items({ ...query, offset, limit: PAGE }).then(
      (answer) => {
        remember(answer.items);
        setPages((p) => ({
          key,
          total: answer.total,
          items: offset && p?.key === key ? [...p.items, ...answer.items] : answer.items,
        }));
        setBusy(false);
      },
      (e: unknown) => {
        setError(e);
        setBusy(false);
      },
    );
  };
  useEffect(() => load(0), [key]); // a new query starts over
  const current = pages?.key === key ? pages : undefined;
  return { ...current, error, busy, more: () => load(current?.items.length ?? 0), retry: () => load(0) };
}

function ItemGrid({ query }: { query: { category?: string; q?: string } }) {
  const { t } = useI18n();
  const { items, total, error, busy, more, retry } = useItemPages(query);
  if (error && !items) return <ErrorNote retry={retry} />;
  if (!items) return <SkeletonGrid count={6} />;
  if (!items.length && query.q) return <p className="empty">{t('shop.noResults', { q: query.q })}</p>;
  return (
    <>
      <p className="count">{t('shop.products', { count: total ?? items.length })}</p>
      <div className="grid" data-list="items">
        {items.map((item) => (
          <ProductCard key={item.itemId} item={item} />
        ))}
      </div>
      {items.length < (total ?? 0) && (
        <button type="button" className="button button-ghost more" onClick={more} disabled={busy}>
          {busy ? t('shop.loading') : t('shop.more')}
        </button>
      )}
    </>
  );
}

/** The path of a category in the tree, root first. */
function pathTo(tree: CategoryNode[], name: string): CategoryNode[] | undefined {
  for (const node of tree) {
    if (node.name === name) return [node];
    const below = pathTo(node.children, name);
    if (below) return [node, ...below];
  }
  return undefined;
}

export function CategoryPage({ name }: { name: string }) {
  const { t } = useI18n();
  const tree = useCategories();
  const path = tree ? pathTo(tree, name) : undefined;
  const node = path?.at(-1);
  return (
    <>
      <CategoryChips current={name} />
      <nav className="crumbs" aria-label="breadcrumb">
        <Link to="/">{t('shop.home')}</Link>
        {(path ?? []).map((n) => (
          <span key={n.name}>
            {' › '}
            {n === node ? n.name : <Link to={`/c/${encodeURIComponent(n.name)}`}>{n.name}</Link>}
          </span>
        ))}
      </nav>
      <h1 className="page-title">{name}</h1>
      {node && node.children.length > 0 && (
        <div className="subcats">
          {node.children.map((child) => (
            <Link key={child.name} to={`/c/${encodeURIComponent(child.name)}`} className="chip chip-small">
              {child.name} <span className="chip-count">{child.count}</span>
            </Link>
          ))}
        </div>
      )}
      <ItemGrid query={{ category: name }} />
    </>
  );
}

export function SearchPage() {
  const { t } = useI18n();
  const q = useLocation().query.get('q')?.trim() ?? '';
  useEffect(() => {
    if (q) track((tracker) => tracker.search(q));
  }, [q]);
  return (
    <>
      <h1 className="page-title">{t('shop.searchResults', { q })}</h1>
      <ItemGrid query={{ q }} />
    </>
  );
}
