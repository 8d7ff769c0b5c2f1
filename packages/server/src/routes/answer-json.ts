import type { Recommendations, RecommendedItem } from '@gu/core';

/**
 * The JSON of the serving answers, written by hand for the hot path. fast-json-stringify spent most of its
 * time turning scores into text: V8's shortest-round-trip conversion of a double costs ~0.2 µs cold, and an
 * answer holds eleven numbers (profiled at 5,000 home requests/s: 6% of the server's main thread, 12% for
 * the whole serializer; 5% with this one). Scores are rounded to millionths, so their digits come from
 * tables instead; the text is the same as JSON.stringify's (tested against it).
 */
export function numberJson(x: number): string {
  const millionths = Math.round(x * 1e6);
  // Only a number that is exactly a whole count of millionths (and small enough to count them in an int32)
  // takes the fast path; any other is written by JSON.stringify, as fast-json-stringify would.
  if (millionths / 1e6 !== x || millionths > 0x7fffffff || millionths < -0x7fffffff) return JSON.stringify(x);
  const negative = millionths < 0;
  const abs = negative ? -millionths : millionths;
  const whole = (abs / 1e6) | 0;
  const fraction = abs - whole * 1e6;
  const head = (negative ? '-' : '') + (whole < 1000 ? PLAIN[whole] : `${whole}`);
  if (fraction === 0) return head;
  // Six digits as two table entries of three: even an integer's conversion to text is a call into V8's
  // runtime when its number-string cache misses.
  const high = (fraction / 1000) | 0;
  const low = fraction - high * 1000;
  if (low === 0) return `${head}.${TRIMMED[high]}`;
  return `${head}.${PADDED[high]}${TRIMMED[low]}`;
}

const PLAIN = Array.from({ length: 1000 }, (_, k) => `${k}`);
const PADDED = PLAIN.map((k) => k.padStart(3, '0'));
/** Three digits without their trailing zeros (for 0, ''; never looked up, a zero part is not written). */
const TRIMMED = PADDED.map((k) => k.replace(/0+$/, ''));

/** A string as JSON; most ids need no escaping, and checking for that costs less than JSON.stringify's call. */
function quoted(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
  }
  return `"${s}"`;
}

function itemJson(item: RecommendedItem): string {
  let out = `{"itemId":${quoted(item.itemId)},"score":${numberJson(item.score)}`;
  const { reason } = item;
  if (reason) {
    out += `,"reason":{"type":${quoted(reason.type)}`;
    if (reason.itemId !== undefined) out += `,"itemId":${quoted(reason.itemId)}`;
    out += '}';
  }
  return `${out}}`;
}

/** `[{ itemId, score, reason? }, …]` */
export function itemsJson(items: readonly RecommendedItem[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) out += (i ? ',' : '') + itemJson(items[i]);
  return `${out}]`;
}

/** The body of GET /v1/recommendations, its properties in the order of the response schema. */
export function recommendationsJson(a: Recommendations): string {
  return (
    `{"recommendationId":${quoted(a.recommendationId)},"placement":${quoted(a.placement)}` +
    `,"recipe":${quoted(a.recipe)},"modelVersion":${a.modelVersion === null ? 'null' : quoted(a.modelVersion)}` +
    `,"variant":${quoted(a.variant)},"fallback":${a.fallback},"tookMs":${numberJson(a.tookMs)}` +
    `,"items":${itemsJson(a.items)}}`
  );
}
