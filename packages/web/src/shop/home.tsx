import { useEffect, useRef, useState } from 'react';
import type { CategoryNode } from '@gu/sdk';
import { useI18n } from '../common/i18n.js';
import { Link } from '../common/router.js';
import { useStore } from '../common/store.js';
import { Spinner } from './components.js';
import { client, loadCategories, recommend, userStore } from './gu.js';
import { RecoShelf } from './reco.js';

/** Aisles to show as chips: the second level of the tree (Grocery › Frozen Pizza), else the roots. */
export function aislesOf(tree: CategoryNode[]): CategoryNode[] {
  return tree
    .flatMap((root) => (root.children.length ? root.children : [root]))
    .sort((a, b) => b.count - a.count);
}

export function useCategories(): CategoryNode[] | undefined {
  const [tree, setTree] = useState<CategoryNode[]>();
  useEffect(() => {
    loadCategories().then(setTree, () => setTree([]));
  }, []);
  return tree;
}

/** Chips shown before "all categories": a big catalog has hundreds of aisles. */
const CHIPS = 12;

export function CategoryChips({ current }: { current?: string }) {
  const { t } = useI18n();
  const tree = useCategories();
  const row = useRef<HTMLElement>(null);
  // The current aisle is scrolled into the middle of the row (the row only: the page stays where it is).
  useEffect(() => {
    const nav = row.current;
    const chip = nav?.querySelector<HTMLElement>('.chip-on');
    if (nav && chip) nav.scrollLeft = chip.offsetLeft - (nav.clientWidth - chip.offsetWidth) / 2;
  }, [tree, current]);
  if (!tree?.length) return null;
  const aisles = aislesOf(tree);
  const shown = aisles.slice(0, CHIPS);
  const extra = aisles.find((a) => a.name === current && !shown.includes(a));
  return (
    <nav className="chips" aria-label={t('shop.categories')} ref={row}>
      {[...shown, ...(extra ? [extra] : [])].map((node) => (
        <Link
          key={node.name}
          to={`/c/${encodeURIComponent(node.name)}`}
          className={node.name === current ? 'chip chip-on' : 'chip'}
        >
          {node.name}
        </Link>
      ))}
      {aisles.length > CHIPS && (
        <Link to="/categories" className="chip chip-all">
          {t('shop.allCategories')} ›
        </Link>
      )}
    </nav>
  );
}

/** Every department with its aisles. */
export function CategoriesPage() {
  const { t } = useI18n();
  const tree = useCategories();
  return (
    <>
      <h1 className="page-title">{t('shop.allCategories')}</h1>
      {tree === undefined && <Spinner />}
      <div className="departments">
        {(tree ?? []).map((root) => (
          <section key={root.name} className="panel department">
            <h2>
              <Link to={`/c/${encodeURIComponent(root.name)}`}>{root.name}</Link>{' '}
              <span className="chip-count">{root.count}</span>
            </h2>
            <div className="department-aisles">
              {root.children.map((child) => (
                <Link
                  key={child.name}
                  to={`/c/${encodeURIComponent(child.name)}`}
                  className="chip chip-small"
                >
                  {child.name}
                </Link>
              ))}
            </div>
          </section>
        ))}
      </div>
    </>
  );
}

export function HomePage() {
  const { t } = useI18n();
  const user = useStore(userStore);
  // A new answer whenever the page is opened again or the shopper signs in or out.
  const [visit] = useState(() => Date.now().toString(36));
  return (
    <>
      <section className="hero">
        <p className="hero-kicker">{t('shop.name')}</p>
        <h1>{t('shop.heroTitle')}</h1>
        <p>{t('shop.heroText')}</p>
      </section>
      <CategoryChips />
      <RecoShelf
        widget="home"
        title={t('reco.forYou')}
        badge={t('reco.forYouBadge')}
        layout="grid"
        max={8}
        reload={`${visit}|${user ?? ''}`}
        load={() => recommend('home', { n: 8 })}
      />
      <RecoShelf
        widget="trending"
        title={t('reco.trending')}
        reload={visit}
        load={async () => ({
          recipe: 'trending',
          items: (await client.trending(10)).map((i) => ({ ...i, reason: i.reason ?? { type: 'trending' } })),
        })}
      />
    </>
  );
}
