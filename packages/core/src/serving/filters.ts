import type { Item } from '../domain/items.js';
import { GuError } from '../errors.js';

/** A condition on an item field. A string value starting with `$` is a parameter given per request. */
export interface FilterRule {
  field: string;
  op: 'in' | 'not_in' | 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte';
  value: unknown;
}

/**
 * A named business rule (Amazon Personalize calls them filters): an item passes when it matches every
 * include rule and no exclude rule. Fields: itemId, title, category (any level), brand, price, currency,
 * available, or attributes.NAME.
 */
export interface FilterDefinition {
  name: string;
  description?: string;
  include: FilterRule[];
  exclude: FilterRule[];
}

const OPS = new Set(['in', 'not_in', 'eq', 'neq', 'lt', 'lte', 'gt', 'gte']);
const FIELDS = /^(itemId|title|category|brand|price|currency|available|attributes\.[\w.-]+)$/;

/** Checks a definition's shape; throws a coded error naming the first problem. */
export function checkFilter(def: FilterDefinition): FilterDefinition {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(def.name))
    throw new GuError('INVALID_FILTER', 'filter name must be 1–64 letters, digits, _ or -');
  for (const rule of [...(def.include ?? []), ...(def.exclude ?? [])]) {
    if (!FIELDS.test(rule.field)) throw new GuError('INVALID_FILTER', `unknown filter field "${rule.field}"`);
    if (!OPS.has(rule.op)) throw new GuError('INVALID_FILTER', `unknown filter op "${rule.op}"`);
  }
  return { ...def, include: def.include ?? [], exclude: def.exclude ?? [] };
}

function fieldValues(item: Item, field: string): unknown[] {
  if (field === 'category') return item.categories;
  if (field.startsWith('attributes.')) {
    const v = item.attributes[field.slice('attributes.'.length)];
    return Array.isArray(v) ? v : v === undefined ? [] : [v];
  }
  const v = (item as unknown as Record<string, unknown>)[field];
  return v === undefined ? [] : [v];
}

function matches(values: unknown[], op: FilterRule['op'], value: unknown): boolean {
  // filterValues often carry one value where the rule takes a list: it is a list of one.
  const list = Array.isArray(value) ? value : [value];
  switch (op) {
    case 'in':
      return values.some((v) => list.includes(v));
    case 'not_in':
      return !values.some((v) => list.includes(v));
    case 'eq':
      return values.includes(value);
    case 'neq':
      return !values.includes(value);
    default: {
      const bound = Number(value);
      return values.some((v) => {
        const x = Number(v);
        return op === 'lt' ? x < bound : op === 'lte' ? x <= bound : op === 'gt' ? x > bound : x >= bound;
      });
    }
  }
}

/** A predicate over items with the request's parameters bound; a missing parameter is a 400. */
export function compileFilter(
  def: FilterDefinition,
  values: Record<string, unknown> = {},
): (item: Item) => boolean {
  const bind = (rule: FilterRule): FilterRule => {
    if (typeof rule.value !== 'string' || !rule.value.startsWith('$')) return rule;
    const name = rule.value.slice(1);
    if (!Object.hasOwn(values, name))
      throw new GuError('FILTER_VALUES_MISSING', `filter ${def.name} needs filterValues.${name}`);
    return { ...rule, value: values[name] };
  };
  const include = def.include.map(bind);
  const exclude = def.exclude.map(bind);
  return (item) =>
    include.every((r) => matches(fieldValues(item, r.field), r.op, r.value)) &&
    !exclude.some((r) => matches(fieldValues(item, r.field), r.op, r.value));
}
