/**
 * Locale formatting of exact amounts. Intl only supplies the symbols and the
 * pattern (grouping, decimal mark, currency position); the digits always come
 * from the exact decimal string, never through a float.
 */
import { cryptoCurrency, priceDecimals } from '../../domain/currencies.js';
import { formatFixed, parseExact } from '../../domain/money.js';
import type { PageLocale } from './i18n.js';

interface Symbols {
  readonly group: string;
  readonly decimal: string;
}

const symbolsCache = new Map<PageLocale, Symbols>();

function symbols(locale: PageLocale): Symbols {
  let s = symbolsCache.get(locale);
  if (!s) {
    const parts = new Intl.NumberFormat(locale).formatToParts(1234567.5);
    s = {
      group: parts.find((p) => p.type === 'group')?.value ?? ',',
      decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
    };
    symbolsCache.set(locale, s);
  }
  return s;
}

function splitDecimal(exact: string): { int: string; frac: string } {
  const d = /^(\d+)(?:\.(\d+))?$/.exec(exact);
  if (!d) throw new Error(`not an exact decimal: ${exact}`);
  return { int: d[1]!, frac: d[2] ?? '' };
}

function group(int: string, sep: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** "1234.5" -> "1,234.5" (en) or "1 234,5" (ru), digit for digit. */
export function formatNumber(exact: string, locale: PageLocale): string {
  const { int, frac } = splitDecimal(exact);
  const s = symbols(locale);
  return frac ? `${group(int, s.group)}${s.decimal}${frac}` : group(int, s.group);
}

/** A crypto amount with its ticker: "0.00166667 BTC". */
export function formatCrypto(exact: string, currencyCode: string, locale: PageLocale): string {
  const symbol = cryptoCurrency(currencyCode)?.symbol ?? currencyCode;
  return `${formatNumber(exact, locale)}\u00a0${symbol}`;
}

/** A price in its currency with the locale's pattern: "$100.00", "100,00 $", "9 250,00 ₽". */
export function formatPrice(exact: string, currency: string, locale: PageLocale): string {
  const decimals = priceDecimals(currency);
  if (decimals === undefined || cryptoCurrency(currency)) {
    return formatCrypto(exact, currency, locale);
  }
  const fixed = formatFixed(parseExact(exact), decimals);
  const { int, frac } = splitDecimal(fixed);
  let pattern: Intl.NumberFormatPart[];
  try {
    pattern = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    }).formatToParts(decimals > 0 ? 1.5 : 1);
  } catch {
    return `${formatNumber(fixed, locale)}\u00a0${currency}`;
  }
  const s = symbols(locale);
  let out = '';
  let intDone = false;
  for (const part of pattern) {
    if (part.type === 'integer' || part.type === 'group') {
      if (!intDone) out += group(int, s.group);
      intDone = true;
    } else if (part.type === 'decimal') out += s.decimal;
    else if (part.type === 'fraction') out += frac;
    else out += part.value;
  }
  return out;
}

/** A moment in UTC, e.g. "Nov 23, 2026, 4:40 PM UTC"; the script shows it in local time. */
export function formatTime(ms: number, locale: PageLocale): string {
  return `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(ms)} UTC`;
}
