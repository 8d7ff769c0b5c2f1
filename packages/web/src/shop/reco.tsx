import { useEffect, useRef, useState } from 'react';
import type { Item, Reason, ScoredItem } from '@gu/sdk';
import { useI18n, type Translate } from '../common/i18n.js';
import { ProductCard, SkeletonGrid, splitTitle } from './components.js';
import { loadItems, openedFromList, track } from './gu.js';

/** A list to show: a served recommendation list (with its id, for attribution) or a recipe's answer. */
export interface Shelf {
  recommendationId?: string;
  recipe?: string;
  fallback?: boolean;
  items: ScoredItem[];
}

/** The line under a recommended product that says why it is there. */
export function reasonText(
  reason: Reason | undefined,
  items: Map<string, Item>,
  t: Translate,
): string | undefined {
  if (!reason) return undefined;
  const anchor = reason.itemId ? items.get(reason.itemId) : undefined;
  const item = anchor ? splitTitle(anchor.title)[0] : undefined;
  switch (reason.type) {
    case 'viewed':
      return item ? t('reason.viewed', { item }) : t('reason.viewedAny');
    case 'bought-together':
      return item ? t('reason.bought-together', { item }) : t('reason.bought-togetherAny');
    case 'popular':
    case 'trending':
    case 'similar-users':
      return t(`reason.${reason.type}`);
    default:
      return undefined;
  }
}

/**
 * Loads a shelf and the catalog items it names once per `reload` key; keeps the last one on screen while the
 * next one loads, and swaps it whole.
 */
export function useShelf(load: () => Promise<Shelf>, reload: string) {
  const [state, setState] = useState<{
    shelf?: Shelf;
    items?: Map<string, Item>;
    error?: unknown;
    key?: string;
  }>({});
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    const loadAll = async () => {
      const shelf = await load();
      const anchors = shelf.items.flatMap((i) => (i.reason?.itemId ? [i.reason.itemId] : []));
      return { shelf, items: await loadItems([...shelf.items.map((i) => i.itemId), ...anchors]) };
    };
    loadAll().then(
      ({ shelf, items }) => live && setState({ shelf, items, key: reload }),
      (error: unknown) => live && setState((s) => ({ ...s, error, key: reload })),
    );
    return () => {
      live = false;
    };
  }, [reload, attempt]); // load changes identity every render; reload says when it means something new
  return { ...state, loading: state.key !== reload, retry: () => setAttempt((a) => a + 1) };
}

/**
 * A recommendation widget: a titled row (or grid) of product cards, each with its reason. A served list
 * reports an impression of each card seen, and a click on a card is a recommendation_click, both with the
 * list's recommendationId.
 */
export function RecoShelf({
  widget,
  title,
  badge,
  load,
  reload,
  layout = 'row',
  max = 10,
}: {
  /** Names the widget in the page (data-widget) and in tests. */
  widget: string;
  title: string;
  badge?: string;
  load: () => Promise<Shelf>;
  reload: string;
  layout?: 'row' | 'grid';
  max?: number;
}) {
  const { t } = useI18n();
  const { shelf, items = new Map<string, Item>(), loading } = useShelf(load, reload);
  // Items deleted since the model was trained are skipped.
  const shown = (shelf?.items ?? []).filter((i) => items.has(i.itemId)).slice(0, max);
  const ref = useRef<HTMLElement>(null);
  const recommendationId = shelf?.recommendationId;
  const shownKey = shown.map((s) => s.itemId).join(',');

  // An impression per card, the first time at least half of it is on screen (a row scrolled sideways
  // reports its further cards when they come into view), in batches, with the list's recommendationId.
  useEffect(() => {
    const element = ref.current;
    if (!element || !recommendationId || !shownKey) return;
    const seen = new Set<string>();
    const observer = new IntersectionObserver(
      (entries) => {
        const fresh = entries
          .filter((e) => e.isIntersecting && e.intersectionRatio >= 0.5)
          .map((e) => (e.target as HTMLElement).dataset.itemId ?? '')
          .filter((id) => id && !seen.has(id));
        if (!fresh.length) return;
        for (const id of fresh) seen.add(id);
        track((tracker) => tracker.impression(recommendationId, fresh));
      },
      { threshold: 0.5 },
    );
    for (const card of element.querySelectorAll('.card[data-item-id]')) observer.observe(card);
    return () => observer.disconnect();
  }, [recommendationId, shownKey]);

  if (!loading && shelf && shown.length === 0) return null;
  return (
    <section
      ref={ref}
      className={`shelf shelf--${layout}`}
      data-widget={widget}
      data-recommendation-id={recommendationId}
      data-recipe={shelf?.recipe}
      data-fallback={shelf?.fallback ? 'true' : undefined}
      data-loading={loading ? 'true' : undefined}
    >
      <header className="shelf-head">
        <h2>{title}</h2>
        {badge && <span className="badge">{badge}</span>}
      </header>
      {shown.length === 0 ? (
        <SkeletonGrid count={layout === 'row' ? 3 : 4} row={layout === 'row'} />
      ) : (
        <div className={layout === 'row' ? 'shelf-row' : 'grid'}>
          {shown.map((s) => (
            <ProductCard
              key={s.itemId}
              item={items.get(s.itemId)!}
              reason={reasonText(s.reason, items, t)}
              onOpen={
                recommendationId
                  ? () => {
                      openedFromList(s.itemId, recommendationId);
                      track((tracker) => tracker.click(recommendationId, s.itemId));
                    }
                  : undefined
              }
            />
          ))}
        </div>
      )}
    </section>
  );
}
