/**
 * FNV-1a over the text's UTF-16 code units, then MurmurHash3's finalizer, as a signed 32-bit integer:
 * sequential ids (u1, u2, …) spread out over every bit.
 */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
