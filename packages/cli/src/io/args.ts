import { InvalidArgumentError } from 'commander';

/**
 * A parser for a count of at least 1, named in its error (`what`: the option or variable); underscores are
 * allowed as digit separators (1_000_000).
 */
export const positiveInt = (what: string) => (v: string) => {
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`${what} must be a whole number ≥ 1, not "${v}"`);
  return n;
};

/** A parser for a TCP port, 0–65535 (0: any free port), named in its error like positiveInt. */
export const portNumber = (what: string) => (v: string) => {
  const n = /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!(n <= 65_535))
    throw new InvalidArgumentError(`${what} must be a whole number from 0 to 65535, not "${v}"`);
  return n;
};
