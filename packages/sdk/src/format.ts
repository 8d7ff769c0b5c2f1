export type Locale = 'vi' | 'en';

/** Groups the digits of a whole number by thousands. */
function group(n: number, separator: string): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/**
 * A price in đồng as Vietnamese shops write it: whole đồng, thousands grouped with '.', the symbol after
 * ("125.000 ₫"); in English the grouping is ',' ("125,000 ₫"). Done by hand rather than with Intl so that
 * the text is the same in every browser and in Node (ICU builds differ in spaces and symbols).
 */
export function formatVnd(amount: number, locale: Locale = 'vi'): string {
  if (!Number.isFinite(amount)) return '';
  const whole = Math.round(Math.abs(amount));
  const sign = amount < 0 && whole > 0 ? '-' : '';
  return `${sign}${group(whole, locale === 'vi' ? '.' : ',')} ₫`;
}

/** A price in any currency: VND by formatVnd, others by Intl. */
export function formatPrice(amount: number, currency = 'VND', locale: Locale = 'vi'): string {
  if (currency === 'VND') return formatVnd(amount, locale);
  try {
    return new Intl.NumberFormat(locale === 'vi' ? 'vi-VN' : 'en-US', { style: 'currency', currency }).format(
      amount,
    );
  } catch {
    return `${amount} ${currency}`;
  }
}
