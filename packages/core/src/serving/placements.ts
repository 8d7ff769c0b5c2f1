/** Where a shop shows a list: the home page, a product page, the cart. */
export const PLACEMENTS = ['home', 'pdp', 'cart'] as const;
export type Placement = (typeof PLACEMENTS)[number];

/** The experiment and variant a list was served in. */
export interface ServedArm {
  experiment: string;
  variant: string;
}

/**
 * A served list's id names its placement (`home.<uuid>`) and, in an A/B test, the experiment and variant
 * (`home.<experiment>.<variant>.<uuid>`; neither holds a dot), so that impressions, clicks and purchases that
 * carry it are attributed to the widget and the variant without a table of every answer served: such a table
 * is held in memory at thousands of answers a second, and forgets a list within seconds at that rate.
 */
export const newRecommendationId = (placement: Placement, arm?: ServedArm): string =>
  arm
    ? `${placement}.${arm.experiment}.${arm.variant}.${globalThis.crypto.randomUUID()}`
    : `${placement}.${globalThis.crypto.randomUUID()}`;

/** The placement a recommendation id was served for; undefined for one this server did not make. */
export function placementOfRecommendation(recommendationId: string): Placement | undefined {
  const placement = recommendationId.slice(0, recommendationId.indexOf('.'));
  return (PLACEMENTS as readonly string[]).includes(placement) ? (placement as Placement) : undefined;
}

/** The experiment and variant a recommendation id was served in; undefined outside experiments. */
export function armOfRecommendation(recommendationId: string): ServedArm | undefined {
  const parts = recommendationId.split('.');
  if (parts.length !== 4 || placementOfRecommendation(recommendationId) === undefined) return undefined;
  return { experiment: parts[1], variant: parts[2] };
}
