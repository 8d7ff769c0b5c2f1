import type { GuClient } from './client.js';
import { formatPrice, type Locale } from './format.js';
import { MESSAGES, reasonText } from './messages.js';
import type { Tracker } from './tracker.js';
import type { Item, Placement, Recommendations, ScoredItem } from './types.js';

export interface WidgetOptions {
  client: GuClient;
  tracker: Tracker;
  placement: Placement;
  /** The product of a pdp widget, or the cart's last item. */
  itemId?: string;
  /** How many items (1–100, default 10). */
  n?: number;
  /** Heading; by default one per placement and locale. */
  title?: string;
  /** Default 'vi'. */
  locale?: Locale;
  /** Link of an item (default `/items/{itemId}`). */
  itemHref?: (itemId: string) => string;
  /** A named filter of the dashboard and its values. */
  filter?: string;
  filterValues?: Record<string, unknown>;
  /** A failed refresh (the widget then shows nothing: it never breaks the page). */
  onError?: (e: unknown) => void;
  /** Default the global IntersectionObserver; without one, impressions are sent at render. */
  IntersectionObserver?: typeof IntersectionObserver;
}

export interface WidgetHandle {
  /** Fetches a new list and renders it; resolves when it is on screen (or failed: see onError). */
  refresh(): Promise<void>;
  /** Stops observing and empties the element. */
  destroy(): void;
  /** The first refresh, started by mountWidget. */
  readonly ready: Promise<void>;
}

/** Share of the list that must be on screen for its items to count as seen (IAB's 50% rule). */
const VISIBLE_SHARE = 0.5;

const defaultHref = (itemId: string) => `/items/${encodeURIComponent(itemId)}`;

/**
 * A titled list of recommendations for a placement, in plain DOM (classes prefixed `gu-`). Sends one
 * impression per item once the list is at least half visible, and a click with the list's
 * recommendationId when an item is followed.
 */
export function mountWidget(el: HTMLElement, o: WidgetOptions): WidgetHandle {
  const locale: Locale = o.locale ?? 'vi';
  const doc = el.ownerDocument;
  let generation = 0;
  let cleanup: (() => void)[] = [];

  const element = <K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string) => {
    const node = doc.createElement(tag);
    node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  const stop = () => {
    for (const undo of cleanup) undo();
    cleanup = [];
  };

  function render(
    answer: Recommendations,
    shown: { scored: ScoredItem; item: Item }[],
    titles: Map<string, string>,
  ) {
    stop();
    if (!shown.length) {
      el.replaceChildren();
      return;
    }
    const { recommendationId } = answer;
    const section = element('section', `gu-widget gu-widget--${o.placement}`);
    section.setAttribute('data-gu-recommendation-id', recommendationId);
    section.appendChild(element('h2', 'gu-widget__title', o.title ?? MESSAGES[locale].titles[o.placement]));
    const list = element('ul', 'gu-widget__list');
    for (const { scored, item } of shown) {
      const entry = element('li', 'gu-widget__item');
      const link = element('a', 'gu-widget__link');
      link.setAttribute('href', (o.itemHref ?? defaultHref)(item.itemId));
      link.setAttribute('data-gu-item-id', item.itemId);
      if (item.imageUrl) {
        const image = element('img', 'gu-widget__image');
        image.setAttribute('src', item.imageUrl);
        image.setAttribute('alt', item.title);
        image.setAttribute('loading', 'lazy');
        link.appendChild(image);
      }
      link.appendChild(element('span', 'gu-widget__name', item.title));
      link.appendChild(element('span', 'gu-widget__price', formatPrice(item.price, item.currency, locale)));
      const why = reasonText(scored.reason, locale, (id) => titles.get(id));
      if (why) link.appendChild(element('span', 'gu-widget__reason', why));
      const onClick = () => o.tracker.click(recommendationId, item.itemId);
      link.addEventListener('click', onClick);
      cleanup.push(() => link.removeEventListener('click', onClick));
      entry.appendChild(link);
      list.appendChild(entry);
    }
    section.appendChild(list);
    el.replaceChildren(section);

    let seen = false;
    const impressions = () => {
      if (seen) return;
      seen = true;
      o.tracker.impression(
        recommendationId,
        shown.map((s) => s.item.itemId),
      );
    };
    const Observer = o.IntersectionObserver ?? globalThis.IntersectionObserver;
    if (typeof Observer !== 'function') return impressions();
    const observer = new Observer(
      (entries) => {
        // Half the list on screen, or (a list taller than twice the screen) half the screen filled by it.
        const visible = entries.some(
          (e) =>
            e.isIntersecting &&
            (e.intersectionRatio >= VISIBLE_SHARE ||
              (e.rootBounds !== null && e.intersectionRect.height >= VISIBLE_SHARE * e.rootBounds.height)),
        );
        if (!visible) return;
        impressions();
        observer.disconnect();
      },
      { threshold: [0, 0.25, 0.5, 0.75, 1] },
    );
    observer.observe(list);
    cleanup.push(() => observer.disconnect());
  }

  async function refresh(): Promise<void> {
    const mine = ++generation;
    try {
      const answer = await o.client.recommendations({
        userId: o.tracker.userId,
        sessionId: o.tracker.sessionId,
        itemId: o.itemId,
        placement: o.placement,
        n: o.n,
        filter: o.filter,
        filterValues: o.filterValues,
        explain: true,
      });
      // The recommended items and the ones their reasons name, in one lookup.
      const because = answer.items.map((s) => s.reason?.itemId).filter((id) => id !== undefined);
      const found = new Map(
        (await o.client.itemsByIds([...answer.items.map((s) => s.itemId), ...because])).map((i) => [
          i.itemId,
          i,
        ]),
      );
      const details = answer.items.map((s) => found.get(s.itemId));
      const titles = new Map<string, string>();
      for (const id of because) if (found.get(id)?.title) titles.set(id, found.get(id)!.title);
      if (mine !== generation) return; // destroyed, or a newer refresh is under way
      const shown = answer.items
        .map((scored, i) => ({ scored, item: details[i] }))
        .filter(
          (s): s is { scored: ScoredItem; item: Item } => s.item !== undefined && s.item.available !== false,
        );
      render(answer, shown, titles);
    } catch (error) {
      if (mine !== generation) return;
      stop();
      el.replaceChildren();
      o.onError?.(error);
    }
  }

  const ready = refresh();
  return {
    refresh,
    ready,
    destroy() {
      generation++;
      stop();
      el.replaceChildren();
    },
  };
}
