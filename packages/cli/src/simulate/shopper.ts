import { armOfRecommendation } from '@gu/core';
import {
  ulid,
  type EventInput,
  type GuClient,
  type Item,
  type Placement,
  type Recommendations,
} from '@gu/sdk';

/** How simulated shoppers behave: chances per page, by whether an item is of the shopper's taste. */
export interface Behaviour {
  /** Chance to click a recommended item of the shopper's taste (others: clickOther), per list. */
  clickLiked: number;
  clickOther: number;
  /** Chance to add the item in view to the cart, of the shopper's taste or not. */
  addLiked: number;
  addOther: number;
  /** Chance to leave after a product page, and to pay once at the cart. */
  leave: number;
  checkout: number;
  /** Pages at most per visit. */
  maxPages: number;
}

export const DEFAULT_BEHAVIOUR: Behaviour = {
  clickLiked: 0.3,
  clickOther: 0.02,
  addLiked: 0.2,
  addOther: 0.03,
  leave: 0.35,
  checkout: 0.5,
  maxPages: 8,
};

/** What one visit did, added up by the caller. */
export interface VisitTally {
  pages: number;
  sent: number;
  accepted: number;
  rejected: number;
  /** Client round trips of recommendation requests, ms. */
  latencies: number[];
  fallbacks: number;
  impressions: number;
  clicks: number;
  /** Lists served in an A/B test's variant, with their impressions and clicks, by "experiment/variant". */
  variants: Record<string, VariantTally>;
  /** The order's value in VND, when the visit ended in one. */
  order?: number;
}

export interface VariantTally {
  lists: number;
  impressions: number;
  clicks: number;
}

/** The variant tally of the list a recommendation id names; undefined outside A/B tests. */
function variantOf(tally: VisitTally, recommendationId: string): VariantTally | undefined {
  const arm = armOfRecommendation(recommendationId);
  if (!arm) return undefined;
  return (tally.variants[`${arm.experiment}/${arm.variant}`] ??= { lists: 0, impressions: 0, clicks: 0 });
}

export interface Shopper {
  /** A returning shopper's id; undefined for an anonymous visit (a session only). */
  userId?: string;
  /** The category they came for (any level of an item's path). */
  taste: string;
}

interface Page {
  kind: Placement;
  item?: Item;
  /** The list a click came from, for attribution. */
  from?: string;
}

/**
 * One visit to the shop, as a shopper with a taste makes it through the public API: the home page, product
 * pages reached by clicking a recommendation of their taste or by browsing their category, the cart, and
 * sometimes an order. Every list shown is reported as impressions and every click as a click, each tied to
 * the list's recommendationId, so that the dashboard's CTR, conversion and order value come from what Gu
 * recommended. Events are sent after each page, as the tracker would.
 */
export async function visit(
  client: GuClient,
  shopper: Shopper,
  behaviour: Behaviour,
  random: () => number,
): Promise<VisitTally> {
  const sessionId = `sim-${ulid()}`;
  const tally: VisitTally = {
    pages: 0,
    sent: 0,
    accepted: 0,
    rejected: 0,
    latencies: [],
    fallbacks: 0,
    impressions: 0,
    clicks: 0,
    variants: {},
  };
  const who = { ...(shopper.userId ? { userId: shopper.userId } : {}), sessionId };
  const device = random() < 0.75 ? 'mobile' : 'desktop';
  const cart = new Map<string, { item: Item; from?: string }>();
  const likes = (item: Item) => item.categories.includes(shopper.taste);
  let pending: EventInput[] = [];
  const track = (e: Omit<EventInput, 'eventId' | 'timestamp' | 'userId' | 'sessionId'>, page: string) =>
    pending.push({ eventId: ulid(), timestamp: Date.now(), ...who, ...e, context: { device, page } });
  const flush = async () => {
    if (!pending.length) return;
    const result = await client.sendEvents(pending);
    tally.sent += pending.length;
    tally.accepted += result.accepted;
    tally.rejected += result.rejected.length;
    pending = [];
  };

  /** The page's recommendations with their items, reported as impressions. */
  const shown = async (page: Page): Promise<{ list: Recommendations; items: Item[] }> => {
    const started = performance.now();
    const list = await client.recommendations({ ...who, placement: page.kind, itemId: page.item?.itemId });
    tally.latencies.push(performance.now() - started);
    if (list.fallback) tally.fallbacks++;
    const items = await client.itemsByIds(list.items.map((i) => i.itemId));
    for (const item of items)
      track(
        {
          eventType: 'recommendation_impression',
          itemId: item.itemId,
          recommendationId: list.recommendationId,
        },
        page.kind,
      );
    tally.impressions += items.length;
    const variant = variantOf(tally, list.recommendationId);
    if (variant) {
      variant.lists++;
      variant.impressions += items.length;
    }
    return { list, items };
  };

  /** A clicked recommendation of the list, the first of the shopper's taste most likely (position bias). */
  const clicked = (items: Item[]): Item | undefined => {
    for (const item of items)
      if (random() < (likes(item) ? behaviour.clickLiked : behaviour.clickOther)) return item;
    return undefined;
  };

  /** How many items the shopper's category holds: asked once a visit, not before every item browsed. */
  let shelf: number | undefined;
  const browse = async (): Promise<Item | undefined> => {
    shelf ??= (await client.items({ category: shopper.taste, limit: 1 })).total;
    if (!shelf) return undefined;
    const { items } = await client.items({
      category: shopper.taste,
      offset: Math.floor(random() * shelf),
      limit: 1,
    });
    return items[0];
  };

  let page: Page | undefined = { kind: 'home' };
  while (page && tally.pages < behaviour.maxPages) {
    tally.pages++;
    let next: Page | undefined;
    if (page.kind === 'pdp' && page.item) {
      const { item, from } = page;
      if (from) {
        track({ eventType: 'recommendation_click', itemId: item.itemId, recommendationId: from }, 'pdp');
        tally.clicks++;
        const variant = variantOf(tally, from);
        if (variant) variant.clicks++;
      }
      track({ eventType: 'view', itemId: item.itemId, ...(from ? { recommendationId: from } : {}) }, 'pdp');
      const { list, items } = await shown(page);
      if (random() < (likes(item) ? behaviour.addLiked : behaviour.addOther)) {
        track({ eventType: 'add_to_cart', itemId: item.itemId, quantity: 1, price: item.price }, 'pdp');
        cart.set(item.itemId, { item, from });
      }
      const click = clicked(items);
      if (click) next = { kind: 'pdp', item: click, from: list.recommendationId };
      else if (cart.size && random() < 0.5) next = { kind: 'cart' };
      else if (random() >= behaviour.leave) {
        const found = await browse();
        next = found && { kind: 'pdp', item: found };
      }
    } else if (page.kind === 'cart') {
      const { list, items } = await shown(page);
      const click = clicked(items);
      if (random() < behaviour.checkout) {
        const orderId = `sim-order-${ulid()}`;
        let value = 0;
        for (const { item, from } of cart.values()) {
          track(
            {
              eventType: 'purchase',
              itemId: item.itemId,
              quantity: 1,
              price: item.price,
              orderId,
              ...(from ? { recommendationId: from } : {}),
            },
            'checkout',
          );
          value += item.price;
        }
        tally.order = value;
      } else if (click) next = { kind: 'pdp', item: click, from: list.recommendationId };
    } else {
      const { list, items } = await shown(page);
      const click = clicked(items);
      const found = click ?? (await browse());
      next = found && { kind: 'pdp', item: found, ...(click ? { from: list.recommendationId } : {}) };
    }
    await flush();
    page = next;
  }
  return tally;
}
