import { EventCode, isEventType } from '../../domain/events.js';

/**
 * A timestamp as epoch milliseconds: epoch seconds (below 10¹¹, i.e. before 1973 in ms), epoch ms, or an
 * ISO-8601 date. NaN when it is none of those.
 */
export function parseTimestamp(value: string | number): number {
  if (typeof value === 'number') return value < 1e11 ? value * 1000 : value;
  const s = value.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return parseTimestamp(Number(s));
  const iso = s.replace(/^(\d{4}-\d{2}-\d{2}) (\d)/, '$1T$2'); // "2017-01-28 19:06:53" is ISO with a space
  if (!/^\d{4}-\d{2}-\d{2}/.test(iso)) return NaN;
  // A date-time without an offset is read as UTC (Date.parse would take the machine's local time).
  const zoned = iso.length > 10 && !/([zZ]|[+-]\d{2}:?\d{2})$/.test(iso) ? `${iso}Z` : iso;
  return Date.parse(zoned);
}

/** Names other shops' exports use for our event types (RetailRocket, GA-style). */
const EVENT_ALIASES: Record<string, keyof typeof EventCode> = {
  addtocart: 'add_to_cart',
  add: 'add_to_cart',
  cart: 'add_to_cart',
  transaction: 'purchase',
  buy: 'purchase',
  order: 'purchase',
  click: 'recommendation_click',
  impression: 'recommendation_impression',
  removefromcart: 'remove_from_cart',
};

/** The event code of a name, or -1 for an unknown one; empty means a view (PRODUCT.md §7). */
export function parseEventType(value: string | undefined): number {
  const name = (value ?? '').trim().toLowerCase();
  if (!name) return EventCode.view;
  if (isEventType(name)) return EventCode[name];
  const alias = EVENT_ALIASES[name.replace(/[-_ ]/g, '')];
  return alias ? EventCode[alias] : -1;
}

/** Splits one delimited line, honouring double quotes ("a, b" and "" for a quote inside). */
export function splitDelimited(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

/** The delimiter a header line uses: tab, semicolon or comma. */
export function detectDelimiter(header: string): string {
  return header.includes('\t') ? '\t' : header.includes(';') && !header.includes(',') ? ';' : ',';
}

/** The first header column matching any of the names (case-insensitive), or -1. */
export function columnOf(header: readonly string[], names: readonly string[]): number {
  const lower = header.map((h) => h.trim().toLowerCase());
  for (const name of names) {
    const at = lower.indexOf(name);
    if (at >= 0) return at;
  }
  return -1;
}

/** Positions of named columns in a header: each key's first matching name, -1 where none matches. */
export function columnsOf<K extends string>(
  header: readonly string[],
  names: Record<K, readonly string[]>,
): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const key of Object.keys(names) as K[]) out[key] = columnOf(header, names[key]);
  return out;
}

export interface DelimitedRow<K extends string> {
  fields: string[];
  /** 1-based line number in the file. */
  line: number;
  /** Position of each named column, -1 where the header lacks it. */
  col: Record<K, number>;
  /** Number of header columns. */
  width: number;
}

/**
 * The data rows of a delimited file with a header line: a BOM and blank lines are skipped, the delimiter is
 * read off the header, named columns are located by any of their names. A file without a header, or whose
 * header lacks a required column, is an error naming what was expected.
 */
export async function* delimitedRows<K extends string>(
  lines: AsyncIterable<string>,
  names: Record<K, readonly string[]>,
  required: readonly NoInfer<K>[],
  what: string,
): AsyncGenerator<DelimitedRow<K>> {
  let delimiter = ',';
  let header: { col: Record<K, number>; width: number } | undefined;
  let line = 0;
  for await (const raw of lines) {
    line++;
    const text = raw.replace(/^\uFEFF/, '');
    if (!text.trim()) continue;
    if (header) {
      yield { fields: splitDelimited(text, delimiter), line, ...header };
      continue;
    }
    delimiter = detectDelimiter(text);
    const fields = splitDelimited(text, delimiter);
    const col = columnsOf(fields, names);
    const missing = required.filter((k) => col[k] < 0);
    if (missing.length)
      throw new Error(
        `${what} header must name ${missing.map((k) => names[k][0]).join(', ')} (found: ${fields.join(', ')})`,
      );
    header = { col, width: fields.length };
  }
  if (!header) throw new Error(`the file is empty: expected a ${what} header and rows`);
}
