/**
 * Time-ordered unique ids in the ULID format (https://github.com/ulid/spec): 10 Crockford base32 characters
 * of epoch milliseconds, then 16 of randomness (80 bits), 26 in all. They sort as strings in creation order,
 * which keeps the server's SQLite index on eventId appending at its right edge instead of splitting pages.
 *
 * Monotonic: within one millisecond (or when the clock steps back) the random part of the previous id is
 * incremented by one instead of drawn again, so ids of one generator strictly increase.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_LENGTH = 10;
const RANDOM_LENGTH = 16;
const MAX_TIME = 2 ** 48 - 1;

export type RandomSource = (bytes: Uint8Array) => Uint8Array;

const cryptoRandom: RandomSource = (bytes) => globalThis.crypto.getRandomValues(bytes);

function encodeTime(time: number): string {
  let out = '';
  for (let i = 0; i < TIME_LENGTH; i++) {
    out = ALPHABET[time % 32] + out;
    time = Math.floor(time / 32);
  }
  return out;
}

/** Adds one to base32 digits in place; false when they overflow (all 31s). */
function increment(digits: Uint8Array): boolean {
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i] < 31) {
      digits[i]++;
      return true;
    }
    digits[i] = 0;
  }
  return false;
}

/** A generator of ULIDs: `now` and `random` are injectable for tests. */
export function createIdGenerator(now: () => number = Date.now, random: RandomSource = cryptoRandom) {
  let lastTime = -1;
  const digits = new Uint8Array(RANDOM_LENGTH);
  const fresh = () => {
    random(digits);
    for (let i = 0; i < RANDOM_LENGTH; i++) digits[i] &= 31;
  };
  return (): string => {
    const time = Math.min(MAX_TIME, Math.max(0, Math.floor(now())));
    if (time > lastTime) {
      lastTime = time;
      fresh();
    } else if (!increment(digits)) {
      // 2^80 ids in one millisecond cannot happen by counting; borrow the next millisecond anyway.
      lastTime++;
      fresh();
    }
    let out = encodeTime(lastTime);
    for (const d of digits) out += ALPHABET[d];
    return out;
  };
}

/** A new ULID from the shared generator. */
export const ulid = createIdGenerator();

/** The epoch milliseconds a ULID was made at. */
export function ulidTime(id: string): number {
  let time = 0;
  for (const c of id.slice(0, TIME_LENGTH)) time = time * 32 + ALPHABET.indexOf(c);
  return time;
}
