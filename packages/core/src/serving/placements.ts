/** Where a shop shows a list: the home page, a product page, the cart. */
export const PLACEMENTS = ['home', 'pdp', 'cart'] as const;
export type Placement = (typeof PLACEMENTS)[number];

/**
 * A served list's id names its placement (`home.<uuid>`), so that impressions, clicks and purchases that
 * carry it are attributed to the widget without a table of every answer served: such a table is held in
 * memory at thousands of answers a second, and forgets a list within seconds at that rate.
 */
export const newRecommendationId = (placement: Placement): string =>
  `${placement}.${globalThis.crypto.randomUUID()}`;

/** The placement a recommendation id was served for; undefined for one this server did not make. */
export function placementOfRecommendation(recommendationId: string): Placement | undefined {
  const placement = recommendationId.slice(0, recommendationId.indexOf('.'));
  return (PLACEMENTS as readonly string[]).includes(placement) ? (placement as Placement) : undefined;
}
