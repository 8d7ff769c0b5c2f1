import { z } from 'zod';
import { EVENT_TYPES, ITEM_EVENTS, type ShopEvent } from './events.js';
import type { Item } from './items.js';
import type { User } from './users.js';

/** Limits of the API (PRODUCT.md §3, §6). */
export const MAX_EVENTS_PER_BATCH = 500;
export const MAX_ITEMS_PER_BATCH = 1000;
/** Clocks drift; an event stamped further ahead than this is a client bug, not the future. */
/** How far a device's clock may be from the server's. */
export const MAX_CLOCK_SKEW_MS = 24 * 3_600_000;
/**
 * No shop's clickstream is older than this. It also catches epoch seconds sent for milliseconds, which would
 * otherwise be stored as January 1970: outside every window that training and the real-time state read, the
 * event accepted and lost.
 */
const EARLIEST_MS = Date.UTC(2000, 0, 1);
/**
 * A price in the currency's unit: a trillion VND (about US$40 million) is far above anything a shop sells
 * online. Beyond it a price is a client bug, and one of 1e160 would make the squared revenues that
 * experiments keep infinite.
 */
export const MAX_PRICE = 1e12;
const price = z.number().nonnegative().max(MAX_PRICE, 'must be at most 1000000000000 (10^12)');

/** The longest id of an item, shopper, session or event, in characters. */
export const MAX_ID_LENGTH = 256;
const id = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`);
const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);

const timestamp = z.union([
  z.number().int().positive(),
  z.iso.datetime({ offset: true, local: true }).or(z.iso.date()),
]);

const eventSchema = z
  .object({
    eventId: id,
    eventType: z.enum(EVENT_TYPES),
    userId: id.optional(),
    sessionId: id.optional(),
    itemId: id.optional(),
    quantity: z.number().int().positive().max(100_000).optional(),
    price: price.optional(),
    orderId: id.optional(),
    recommendationId: id.optional(),
    query: text(1000).optional(),
    timestamp,
    context: z
      .object({ device: text(64).optional(), page: text(2048).optional(), locale: text(35).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (!e.userId && !e.sessionId)
      ctx.addIssue({ code: 'custom', path: ['userId'], message: 'userId or sessionId is required' });
    if (ITEM_EVENTS.has(e.eventType) && !e.itemId)
      ctx.addIssue({ code: 'custom', path: ['itemId'], message: `is required for ${e.eventType} events` });
    if (e.eventType === 'search' && !e.query)
      ctx.addIssue({ code: 'custom', path: ['query'], message: 'is required for search events' });
  });

/** One problem with one field of one input. */
export interface FieldError {
  path: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

const fieldErrors = (error: z.ZodError): FieldError[] =>
  error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));

/** A date-time without an offset is read as UTC, not in the server's time zone, so every host agrees. */
const epochMs = (t: number | string): number =>
  typeof t === 'number' ? t : Date.parse(/T[\d:.]+$/.test(t) ? `${t}Z` : t);

function tooEarly(time: number, receivedAt: number): string {
  const seconds = time * 1000 >= EARLIEST_MS && time * 1000 <= receivedAt + MAX_CLOCK_SKEW_MS;
  return seconds
    ? `looks like seconds since the epoch (${new Date(time * 1000).toISOString()}); send milliseconds`
    : 'is before 2000-01-01';
}

/** Validates one event as received; the server stamps receivedAt. */
export function validateEvent(input: unknown, receivedAt: number): Validated<ShopEvent> {
  const parsed = eventSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const time = epochMs(parsed.data.timestamp);
  if (time > receivedAt + MAX_CLOCK_SKEW_MS)
    return { ok: false, errors: [{ path: 'timestamp', message: 'is more than a day in the future' }] };
  if (time < EARLIEST_MS)
    return { ok: false, errors: [{ path: 'timestamp', message: tooEarly(time, receivedAt) }] };
  return { ok: true, value: Object.assign(parsed.data, { timestamp: time, receivedAt }) };
}

const attributes = z.record(
  z.string().min(1).max(128),
  z.union([text(4096), z.number(), z.boolean(), z.array(text(1024)).max(100)]),
);

const itemSchema = z
  .object({
    itemId: id,
    title: text(1024).default(''),
    categories: z.array(z.string().trim().min(1).max(256)).max(10).default([]),
    price: price.default(0),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as VND')
      .default('VND'),
    brand: text(256).optional(),
    imageUrl: text(2048).optional(),
    createdAt: timestamp.optional(),
    available: z.boolean().default(true),
    attributes: attributes.default({}),
  })
  .strict();

/** Parses with a schema whose createdAt is optional; a missing one becomes now. */
function withCreatedAt<T extends { createdAt?: string | number }>(
  schema: z.ZodType<T>,
  input: unknown,
  now: number,
): Validated<Omit<T, 'createdAt'> & { createdAt: number }> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const { createdAt, ...rest } = parsed.data;
  // Added to the rest object, not spread into a new one: V8 gives each object a spread makes here a hidden
  // class of its own, and a catalog's items live as long as the process (100k items were 100k classes and
  // descriptor arrays, 29 MB that every full collection marks).
  return {
    ok: true,
    value: Object.assign(rest, { createdAt: createdAt === undefined ? now : epochMs(createdAt) }),
  };
}

/** Validates a catalog item, filling defaults (VND, available, now). */
export function validateItem(input: unknown, now: number): Validated<Item> {
  return withCreatedAt(itemSchema, input, now);
}

const userSchema = z
  .object({
    userId: id,
    createdAt: timestamp.optional(),
    attributes: attributes.default({}),
    personal: z
      .object({ email: z.email().optional(), name: text(256).optional(), phone: text(32).optional() })
      .strict()
      .optional(),
  })
  .strict();

/** Validates a user; personal data is kept apart so that adapters can encrypt it. */
export function validateUser(input: unknown, now: number): Validated<User> {
  return withCreatedAt(userSchema, input, now);
}

/** A batch split into what is valid and what is not, each rejection with its index and reasons. */
export interface BatchResult<T> {
  valid: T[];
  rejected: { index: number; id?: string; errors: FieldError[] }[];
}

export function validateBatch<T>(
  inputs: readonly unknown[],
  validate: (input: unknown) => Validated<T>,
  idField: string,
): BatchResult<T> {
  const result: BatchResult<T> = { valid: [], rejected: [] };
  inputs.forEach((input, index) => {
    const v = validate(input);
    if (v.ok) result.valid.push(v.value);
    else {
      const raw = (input as Record<string, unknown> | null)?.[idField];
      result.rejected.push({ index, ...(typeof raw === 'string' ? { id: raw } : {}), errors: v.errors });
    }
  });
  return result;
}
