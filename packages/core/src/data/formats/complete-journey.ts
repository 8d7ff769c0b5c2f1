import type { ShopEvent } from '../../domain/events.js';
import type { Item } from '../../domain/items.js';
import { columnsOf, detectDelimiter, parseTimestamp, splitDelimited } from './fields.js';
import { QualityCounter, type DataQuality } from './quality.js';

export interface CompleteJourneyOptions {
  /** VND per US dollar (default 25,000). */
  usdToVnd?: number;
  /** Epoch ms: every time is shifted so that the newest transaction lands here. Default: no shift. */
  shiftTo?: number;
}

export interface CompleteJourney {
  /** One per product row, in file order. */
  items: Item[];
  /** One purchase per valid transaction line, oldest first (file order among equal times). */
  events: ShopEvent[];
  /** Both files together; a reason names the file it comes from. */
  quality: DataQuality;
}

const PRODUCT_COLUMNS = {
  id: ['product_id'],
  manufacturer: ['manufacturer_id'],
  department: ['department'],
  brand: ['brand'],
  category: ['product_category'],
  type: ['product_type'],
  size: ['package_size'],
};

const TRANSACTION_COLUMNS = {
  household: ['household_id'],
  basket: ['basket_id'],
  product: ['product_id'],
  quantity: ['quantity'],
  sales: ['sales_value'],
  retailDisc: ['retail_disc'],
  couponMatchDisc: ['coupon_match_disc'],
  time: ['transaction_timestamp'],
};

const PRODUCT_KEYS = Object.keys(PRODUCT_COLUMNS) as (keyof typeof PRODUCT_COLUMNS)[];

interface Product {
  id: string;
  manufacturer: string;
  department: string;
  brand: string;
  category: string;
  type: string;
  size: string;
}

interface Line {
  household: string;
  basket: string;
  product: string;
  quantity: number;
  /** Unit sales value (sales_value / quantity) and unit shelf price (before discounts), in USD. */
  paidUnit: number;
  shelfUnit: number;
  time: number;
}

/**
 * The Complete Journey grocery data (84.51°, CC0) as the demo shop: products.csv becomes the catalog and
 * transactions_sample.csv the purchase history, prices converted from USD to VND.
 *
 * Pricing. sales_value is what the retailer received for the line; retail_disc (loyalty card) and
 * coupon_match_disc (the retailer's match of a manufacturer coupon) came off the shelf price, while the
 * manufacturer's coupon_disc is still inside sales_value (the manufacturer pays it back). This data gives
 * discounts as positive numbers (the original release had them negative; either sign is read), so
 *   shelf unit price = (sales_value + |retail_disc| + |coupon_match_disc|) / quantity.
 * An item's price is the mean shelf unit price over its lines (lines with a zero shelf price are giveaways
 * and do not count) × usdToVnd, rounded to the nearest 500 VND and at least 500. An item never sold (or only
 * given away) takes the median price of the deepest level of its department › category › type path that has
 * priced items, else of all priced items. A purchase event's price is the unit sales value (sales_value /
 * quantity) in whole VND. An item is created at its first sale, or at the earliest sale of all if never sold.
 */
export async function parseCompleteJourney(
  products: AsyncIterable<string>,
  transactions: AsyncIterable<string>,
  options: CompleteJourneyOptions = {},
): Promise<CompleteJourney> {
  const usdToVnd = options.usdToVnd ?? 25_000;
  const quality = new QualityCounter();

  const catalog = await readProducts(products, quality);
  const lines = await readTransactions(transactions, catalog, quality);

  let [first, last] = [Infinity, -Infinity];
  for (const l of lines) [first, last] = [Math.min(first, l.time), Math.max(last, l.time)];
  const shift = options.shiftTo !== undefined && lines.length ? options.shiftTo - last : 0;
  const earliest = lines.length ? first + shift : (options.shiftTo ?? 0); // no sales at all: shiftTo or 0

  const sold = new Map<string, { sum: number; n: number; firstSale: number }>();
  for (const l of lines) {
    const s = sold.get(l.product) ?? { sum: 0, n: 0, firstSale: l.time };
    if (l.shelfUnit > 0) [s.sum, s.n] = [s.sum + l.shelfUnit, s.n + 1];
    s.firstSale = Math.min(s.firstSale, l.time);
    sold.set(l.product, s);
  }
  const priced = new Map<string, number>();
  for (const [id, s] of sold) if (s.n) priced.set(id, roundVnd((s.sum / s.n) * usdToVnd));
  const fallback = medianPrices(catalog, priced);

  const items: Item[] = [];
  const names = new Namer();
  for (const p of catalog.values()) {
    const s = sold.get(p.id);
    const size = names.size(p.size);
    items.push({
      itemId: p.id,
      ...names.title(p),
      categories: names.categories(p),
      price: priced.get(p.id) ?? fallback(p),
      currency: 'VND',
      createdAt: s ? s.firstSale + shift : earliest,
      available: true,
      attributes: {
        ...(p.manufacturer ? { manufacturerId: p.manufacturer } : {}),
        ...(size ? { packageSize: size } : {}),
      },
    });
  }

  const order = lines.map((_, k) => k).sort((a, b) => lines[a].time - lines[b].time || a - b);
  const seen = new Map<string, number>();
  const events = order.map((k): ShopEvent => {
    const l = lines[k];
    const key = `cj-${l.basket}-${l.product}`;
    const repeat = (seen.get(key) ?? 0) + 1;
    seen.set(key, repeat);
    const timestamp = l.time + shift;
    return {
      eventId: repeat > 1 ? `${key}-${repeat}` : key,
      eventType: 'purchase',
      userId: `hh${l.household}`,
      itemId: l.product,
      quantity: l.quantity,
      price: Math.round(l.paidUnit * usdToVnd),
      orderId: l.basket,
      timestamp,
      receivedAt: timestamp,
      context: { device: 'store' },
    };
  });
  return { items, events, quality: quality.report() };
}

/** A number from a CSV field, NaN when the field is empty or not numeric (Number('') would be 0). */
const numberOf = (s: string): number => (s.trim() ? Number(s) : NaN);

/** The nearest multiple of 500 VND, at least 500 (fuel is sold by tiny units here). */
const roundVnd = (vnd: number): number => Math.max(500, Math.round(vnd / 500) * 500);

async function readProducts(lines: AsyncIterable<string>, quality: QualityCounter) {
  const catalog = new Map<string, Product>();
  const csv = new HeaderedCsv(PRODUCT_COLUMNS, ['id'], 'products');
  let lineNo = 0;
  for await (const line of lines) {
    if (!csv.read(line, ++lineNo)) continue;
    const p = {} as Product;
    for (const key of PRODUCT_KEYS) p[key] = csv.get(key);
    if (!p.id) quality.reject('products: empty product_id', lineNo);
    else if (catalog.has(p.id)) quality.reject('products: duplicate product_id', lineNo);
    else {
      catalog.set(p.id, p);
      quality.ok();
    }
  }
  csv.finish();
  return catalog;
}

async function readTransactions(
  lines: AsyncIterable<string>,
  catalog: Map<string, Product>,
  quality: QualityCounter,
): Promise<Line[]> {
  const out: Line[] = [];
  const required = ['household', 'basket', 'product', 'quantity', 'sales', 'time'] as const;
  const csv = new HeaderedCsv(TRANSACTION_COLUMNS, required, 'transactions');
  let lineNo = 0;
  for await (const line of lines) {
    if (!csv.read(line, ++lineNo)) continue;
    const reject = (reason: string) => quality.reject(`transactions: ${reason}`, lineNo);
    const [household, basket, product] = [csv.get('household'), csv.get('basket'), csv.get('product')];
    const quantity = numberOf(csv.get('quantity'));
    const sales = numberOf(csv.get('sales'));
    const discount =
      Math.abs(numberOf(csv.get('retailDisc') || '0')) +
      Math.abs(numberOf(csv.get('couponMatchDisc') || '0'));
    const time = parseTimestamp(csv.get('time'));
    if (!household) reject('empty household_id');
    else if (!basket) reject('empty basket_id');
    else if (!product) reject('empty product_id');
    else if (!catalog.has(product)) reject('product_id not in products');
    else if (quantity === 0) reject('quantity is 0: nothing was sold');
    else if (!(quantity >= 1) || !Number.isInteger(quantity)) reject('quantity is not a whole number ≥ 1');
    else if (!(sales >= 0)) reject('sales_value is not a number ≥ 0');
    else if (!Number.isFinite(discount)) reject('retail_disc or coupon_match_disc is not a number');
    else if (!Number.isFinite(time)) reject('transaction_timestamp is not a date');
    else {
      const [paidUnit, shelfUnit] = [sales / quantity, (sales + discount) / quantity];
      out.push({ household, basket, product, quantity, paidUnit, shelfUnit, time });
      quality.ok();
    }
  }
  csv.finish();
  return out;
}

/** A CSV file whose header names its columns: read() takes each line, get() a field of the current row. */
class HeaderedCsv<K extends string> {
  private delimiter = ',';
  private col: Record<K, number> | undefined;
  private fields: string[] = [];

  constructor(
    private readonly columns: Record<K, readonly string[]>,
    private readonly required: readonly NoInfer<K>[],
    private readonly file: string,
  ) {}

  /** Whether the line is a data row (the header and blank lines are not). */
  read(raw: string, lineNo: number): boolean {
    const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (!line.trim()) return false;
    if (this.col) {
      this.fields = splitDelimited(line, this.delimiter);
      return true;
    }
    this.delimiter = detectDelimiter(line);
    const header = splitDelimited(line, this.delimiter);
    const col = columnsOf(header, this.columns);
    const missing = this.required.filter((k) => col[k] < 0);
    if (missing.length)
      throw new Error(
        `${this.file} header must name ${missing.map((k) => this.columns[k][0]).join(', ')} (found: ${header.join(', ')})`,
      );
    this.col = col;
    return false;
  }

  /** A field of the current row, trimmed; '' when the column is absent or the row short. */
  get(key: K): string {
    const at = this.col![key];
    return at >= 0 ? (this.fields[at] ?? '').trim() : '';
  }

  finish(): void {
    if (!this.col) throw new Error(`${this.file} is empty: expected a CSV header and rows`);
  }
}

/** The fallback price of a product: the median over the deepest priced level of its category path. */
function medianPrices(catalog: Map<string, Product>, priced: Map<string, number>): (p: Product) => number {
  const groups = new Map<string, number[]>();
  const add = (key: string, price: number) => {
    const g = groups.get(key);
    if (g) g.push(price);
    else groups.set(key, [price]);
  };
  for (const [id, price] of priced) for (const key of pathKeys(catalog.get(id)!)) add(key, price);
  const medians = new Map<string, number>();
  for (const [key, prices] of groups) {
    prices.sort((a, b) => a - b);
    const mid = prices.length >> 1;
    const median = prices.length % 2 ? prices[mid] : (prices[mid - 1] + prices[mid]) / 2;
    medians.set(key, roundVnd(median));
  }
  return (p) => {
    for (const key of pathKeys(p)) {
      const m = medians.get(key);
      if (m !== undefined) return m;
    }
    return 0; // nothing in the file was ever sold
  };
}

/** Keys of a product's category path, deepest first, ending with the whole catalog (''). */
const pathKeys = (p: Product): string[] => [
  `3\u0000${p.department}\u0000${p.category}\u0000${p.type}`,
  `2\u0000${p.department}\u0000${p.category}`,
  `1\u0000${p.department}`,
  '',
];

// ---------------------------------------------------------------------------------------------------------
// Display names. The source is upper case, abbreviated and cut at about 30 characters ("CHEESE CRACKERS (CHEEZ-ITS/
// GOL"); these tables and rules turn it into names a shop would show ("Cheese Crackers, 13.5 Oz").

/** Departments whose name is an internal code. */
const DEPARTMENTS = new Map(
  Object.entries({
    'DRUG GM': 'Drug & General Merchandise',
    'MEAT-PCKGD': 'Packaged Meat',
    'SEAFOOD-PCKGD': 'Packaged Seafood',
    'CNTRL/STORE SUP': 'Store Supplies',
    'ELECT &PLUMBING': 'Electrical & Plumbing',
    'GM MERCH EXP': 'General Merchandise',
    'PROD-WHS SALES': 'Produce Wholesale',
    'CHARITABLE CONT': 'Charitable Contributions',
  }),
);

/** Abbreviated (and misspelt) words of the source, written out: `SOURCE=Display`, comma-separated. */
const WORDS = new Map(
  `BEERALEMALT=Beer/Ale/Malt, BEV=Beverage, BG=Bag, BKD=Baked, BN=Bean, BRKFST=Breakfast, BTL=Bottle,
  BTR=Butter, CATFD=Cat Food, CHOCOCLATE=Chocolate, CKYS=Cookies, CLEANG=Cleaning, CNDY=Candy,
  CONTAINR=Container, CRBNTD=Carbonated, CRKR=Crackers, CRYSTL=Crystal, DISPOSIBLE=Disposable, DNR=Dinner,
  DNRS=Dinners, DOGFD=Dog Food, DRNK=Drink, DRNKING=Drinking, DRNKNG=Drinking, DRNKS=Drinks,
  DRSNG=Dressing, DSH=Dish, FD=Food, FLVR=Flavor, FLVRD=Flavored, FRZN=Frozen, GDS=Goods, HYGN=Hygiene,
  JCE=Juice, LSS=Less, MEMORABLILIA=Memorabilia, MENS=Men's, MFG=Manufacturer, MIXS=Mixes, MLK=Milk,
  MLT=Multi, MNERAL=Mineral, MNRL=Mineral, MX=Mix, MXS=Mixes, NDAIRY=Non-Dairy, PCKGD=Packaged,
  PHYSICANS=Physicians, PICKLD=Pickled, PKGD=Packaged, PKLD=Pickled, PNCH=Punch, PNT=Peanut, PREM=Premium,
  PWDR=Powder, PWDRS=Powders, REFRGRATD=Refrigerated, REFRIG=Refrigerated, SALD=Salad, SFT=Soft,
  SHERBTS=Sherbets, SNDWCH=Sandwich, SNGL=Single, SNKS=Snacks, SOD=Soda, SPLY=Supplies, SPRD=Spread,
  SRV=Serve, SUPPPLIES=Supplies, SW=Sweet, SWEETNERS=Sweeteners, SWT=Sweet, THN=Than, TISS=Tissue,
  TRSH=Trash, VEG=Vegetable, WHLSM=Wholesome, WTR=Water`
    .split(/,\s*/)
    .map((pair) => pair.split('=') as [string, string]),
);

const ACRONYMS = new Set(['BBQ', 'CD', 'DVD', 'GM', 'HBC', 'MW', 'OJ', 'RW', 'SPF', 'SS', 'TV', 'UV']);
const MINOR = new Set(['AND', 'FOR', 'IN', 'OF', 'OR', 'THE', 'W', 'WITH']);
const GENERIC_TYPES = new Set(['MISC', 'MISCELLANEOUS', 'OTHER']);

/** Product types that name the maker (cosmetics are filed by brand): the maker's own spelling. */
const MAKERS = new Map(
  Object.entries({
    ALMAY: 'Almay',
    'BONNE BELL': 'Bonne Bell',
    CALGON: 'Calgon',
    COVERGIRL: 'CoverGirl',
    'HEALING GARDEN': 'Healing Garden',
    'LOREAL COSMETICS': "L'Oréal",
    'MAX FACTOR': 'Max Factor',
    MAYBELLINE: 'Maybelline',
    'PHYSICANS FORMULA': 'Physicians Formula',
    REVLON: 'Revlon',
    'SALLY HANSEN': 'Sally Hansen',
    'WET N WILD': 'Wet n Wild',
  }),
);

/** Text this long may have been cut by the source (at 28 to 30 characters). */
const CUT_WIDTH = 28;

/** Upper-case source text as a display name in Title Case, abbreviations written out. */
function tidyName(raw: string): string {
  let s = raw.trim().replace(/\s+/g, ' ');
  if (raw.length >= CUT_WIDTH) {
    // Cut mid-way: drop an unclosed "(…" and dangling fragments such as " - O" or " W/ S".
    s = s.replace(/\s*\([^)]*$/, '');
    for (let prev = ''; prev !== s;) {
      prev = s;
      s = s.replace(/[^A-Z0-9)]+$/, '').replace(/[\s/&:-][A-Z]{1,2}$/, '');
    }
  }
  s = s
    .replace(/\b([A-Z]{2,}) S\b/g, "$1'S") // "CHILDREN S" was "CHILDREN'S"
    .replace(/\s*&\s*/g, ' & ')
    .replace(/:(?=\S)/g, ': ');
  let first = true;
  return s.replace(/[A-Za-z]+/g, (word, at: number) => {
    const upper = word.toUpperCase();
    const out =
      s[at - 1] === "'"
        ? word.toLowerCase()
        : (WORDS.get(upper) ??
          (ACRONYMS.has(upper)
            ? upper
            : MINOR.has(upper) && !first && s[at - 1] === ' '
              ? word.toLowerCase()
              : upper[0] + upper.slice(1).toLowerCase()));
    first = false;
    return out;
  });
}

/** "AB    8 OZ" → "8 Oz": a leading shelf code is dropped, units in Title Case. */
function tidySize(raw: string): string {
  return raw
    .trim()
    .replace(/^[A-Z]{1,2}\s{2,}(?=\d)/, '')
    .replace(/\s+/g, ' ')
    .replace(/[A-Za-z]+/g, (w) => w[0].toUpperCase() + w.slice(1).toLowerCase());
}

/** Display names of products; each distinct source text is tidied once (there are a few thousand). */
class Namer {
  private readonly names = new Map<string, string>();
  private readonly sizes = new Map<string, string>();

  name(raw: string): string {
    let out = this.names.get(raw);
    if (out === undefined) this.names.set(raw, (out = MAKERS.get(raw.trim()) ?? tidyName(raw)));
    return out;
  }

  department(raw: string): string {
    return DEPARTMENTS.get(raw.trim()) ?? this.name(raw);
  }

  size(raw: string): string {
    let out = this.sizes.get(raw);
    if (out === undefined) this.sizes.set(raw, (out = tidySize(raw)));
    return out;
  }

  /** Department › category › type, empties and repeats of the level above dropped. */
  categories(p: Product): string[] {
    const path = [this.department(p.department), this.name(p.category), this.name(p.type)];
    return path.filter((c, i) => c && c.toLowerCase() !== (path[i - 1] ?? '').toLowerCase());
  }

  /** The title and brand: the type (else category, else department), the package size after a comma. */
  title(p: Product): { title: string; brand?: string } {
    const maker = MAKERS.get(p.type.trim());
    const brand = maker ?? (p.brand || undefined);
    const base = maker
      ? `${maker} ${this.name(p.category || p.department)}`.trim()
      : p.type && !GENERIC_TYPES.has(p.type.trim())
        ? this.name(p.type)
        : p.category
          ? this.name(p.category)
          : `${this.department(p.department) || 'Store'} Item`;
    const size = this.size(p.size);
    return { title: size ? `${base}, ${size}` : base, ...(brand ? { brand } : {}) };
  }
}
