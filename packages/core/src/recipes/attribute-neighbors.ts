import type { ItemAttributes } from '../domain/items.js';

/**
 * Neighbours of items by catalog attributes, for cold items that have no co-occurrence yet: items of the same
 * deepest category, those of the same brand first, then by popularity. Stored as CSR over categories so it
 * saves into a snapshot.
 */
export interface AttributeIndex {
  /** Category group of each item, -1 when unknown. */
  itemCategory: Int32Array;
  /** Members of category c are members[ptr[c]..ptr[c+1]-1], most popular first. */
  ptr: Int32Array;
  members: Int32Array;
  /** Brand id of each item (-1 unknown), to prefer same-brand items. */
  itemBrand: Int32Array;
}

/** At most this many members per category are kept: enough to fill any list, small enough to save. */
const MAX_MEMBERS = 500;

export function buildAttributeIndex(
  info: readonly (ItemAttributes | undefined)[] | undefined,
  numItems: number,
  popularity: ArrayLike<number>,
): AttributeIndex {
  const categoryIds = new Map<string, number>();
  const brandIds = new Map<string, number>();
  const itemCategory = new Int32Array(numItems).fill(-1);
  const itemBrand = new Int32Array(numItems).fill(-1);
  const byCategory: number[][] = [];
  for (let i = 0; i < numItems; i++) {
    const attrs = info?.[i];
    if (!attrs) continue;
    if (attrs.categories.length) {
      const key = attrs.categories.join('\u0001');
      let c = categoryIds.get(key);
      if (c === undefined) categoryIds.set(key, (c = byCategory.push([]) - 1));
      itemCategory[i] = c;
      byCategory[c].push(i);
    }
    if (attrs.brand) {
      if (!brandIds.has(attrs.brand)) brandIds.set(attrs.brand, brandIds.size);
      itemBrand[i] = brandIds.get(attrs.brand)!;
    }
  }
  const ptr = new Int32Array(byCategory.length + 1);
  const members: number[] = [];
  byCategory.forEach((list, c) => {
    list.sort((a, b) => popularity[b] - popularity[a] || a - b);
    members.push(...list.slice(0, MAX_MEMBERS));
    ptr[c + 1] = members.length;
  });
  return { itemCategory, ptr, members: Int32Array.from(members), itemBrand };
}

/** Up to n attribute neighbours of item, excluding the item itself and those in skip. */
export function attributeNeighbors(
  index: AttributeIndex,
  item: number,
  n: number,
  skip: Set<number>,
): number[] {
  const c = index.itemCategory[item];
  if (c < 0 || n <= 0) return [];
  const brand = index.itemBrand[item];
  const members = Array.from(index.members.subarray(index.ptr[c], index.ptr[c + 1])).filter(
    (j) => j !== item && !skip.has(j),
  );
  const sameBrand = brand >= 0 ? members.filter((j) => index.itemBrand[j] === brand) : [];
  const others = members.filter((j) => brand < 0 || index.itemBrand[j] !== brand);
  return [...sameBrand, ...others].slice(0, n);
}

export const attributeIndexArrays = (index: AttributeIndex) => ({
  attrCategory: index.itemCategory,
  attrPtr: index.ptr,
  attrMembers: index.members,
  attrBrand: index.itemBrand,
});

export const attributeIndexFrom = (arrays: Record<string, unknown>): AttributeIndex => ({
  itemCategory: arrays.attrCategory as Int32Array,
  ptr: arrays.attrPtr as Int32Array,
  members: arrays.attrMembers as Int32Array,
  itemBrand: arrays.attrBrand as Int32Array,
});
