/**
 * Exact money, the one decimal kit: crypto amounts are bigint smallest units;
 * prices and rates are decimal strings held as (digits, scale) pairs. Every
 * reading, rounding and cross-rate step lives here; no float ever touches them.
 */

const DECIMAL_RE = /^(0|[1-9]\d*)(?:\.(\d+))?$/;

export interface Decimal {
  /** value = units / 10^scale */
  readonly units: bigint;
  readonly scale: number;
}

export class InvalidAmount extends Error {
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`${reason}: ${JSON.stringify(input)}`);
  }
}

/** Parses a plain non-negative decimal string ("12", "0.5", "10.00"); no signs, exponents or spaces. */
export function parseDecimal(input: string, maxIntegerDigits = 18, maxScale = 18): Decimal {
  const m = DECIMAL_RE.exec(input);
  if (!m) throw new InvalidAmount(input, 'not a plain decimal number');
  const int = m[1] ?? '0';
  const frac = m[2] ?? '';
  if (int.length > maxIntegerDigits)
    throw new InvalidAmount(input, `more than ${maxIntegerDigits} integer digits`);
  if (frac.length > maxScale)
    throw new InvalidAmount(input, `more than ${maxScale} decimal places`);
  return { units: BigInt(int + frac), scale: frac.length };
}

/** Parses a decimal the system wrote itself (a rate, a sum): exact, with no size limits. */
export function parseExact(input: string): Decimal {
  return parseDecimal(input, Infinity, Infinity);
}

const NUMBER_TEXT_RE = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Reads a number as JSON or an API writes it, sign, fraction and exponent
 * included ("-0.5", "2.5e-7", "1.2E+3"), exactly and without trailing zeros.
 * Throws RangeError on anything else or on exponents past 40.
 */
export function parseNumberText(text: string): Decimal {
  const m = NUMBER_TEXT_RE.exec(text.trim());
  if (!m) throw new RangeError(`not a number: ${JSON.stringify(text)}`);
  const frac = m[3] ?? '';
  const exp = Number(m[4] ?? '0');
  if (Math.abs(exp) > 40) throw new RangeError(`out of range: ${JSON.stringify(text)}`);
  let units = BigInt((m[2] as string) + frac);
  let scale = frac.length - exp;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return normalize({ units: m[1] === '-' ? -units : units, scale });
}

/** A positive price as an API writes it ("10724.80000", "2.5e-7"); RangeError otherwise. */
export function parseRate(text: string): Decimal {
  let d: Decimal;
  try {
    d = text.length > 64 ? { units: -1n, scale: 0 } : parseNumberText(text);
  } catch {
    d = { units: -1n, scale: 0 };
  }
  if (d.units < 0n || text.trim().startsWith('-'))
    throw new RangeError(`not a price: ${JSON.stringify(text)}`);
  if (d.units === 0n) throw new RangeError(`price must be positive: ${JSON.stringify(text)}`);
  return d;
}

/** Drops trailing zeros so equal values have one form. */
export function normalize(d: Decimal): Decimal {
  let { units, scale } = d;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}

export const ONE: Decimal = { units: 1n, scale: 0 };

export function isZero(d: Decimal): boolean {
  return d.units === 0n;
}

/** Canonical text: no trailing zeros beyond `minScale`. */
export function formatDecimal(d: Decimal, minScale = 0): string {
  let { units, scale } = d;
  while (scale > minScale && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  const neg = units < 0n;
  const abs = (neg ? -units : units).toString().padStart(scale + 1, '0');
  const int = abs.slice(0, abs.length - scale);
  const frac = abs.slice(abs.length - scale);
  const body = scale > 0 ? `${int}.${frac}` : int;
  return neg ? `-${body}` : body;
}

/** Formats smallest units with the currency's decimals, e.g. 150000n, 8 -> "0.0015". */
export function formatUnits(amount: bigint, decimals: number, minScale = 0): string {
  return formatDecimal({ units: amount, scale: decimals }, Math.min(minScale, decimals));
}

/** Formats with exactly `decimals` places, e.g. fiat "10.50". */
export function formatFixed(d: Decimal, decimals: number): string {
  return formatDecimal(rescale(d, decimals, 'down'), decimals);
}

/** Converts a decimal to smallest units; rejects more precision than the currency has. */
export function toUnits(d: Decimal, decimals: number): bigint {
  if (d.scale > decimals) {
    const factor = 10n ** BigInt(d.scale - decimals);
    if (d.units % factor !== 0n) {
      throw new InvalidAmount(formatDecimal(d), `more than ${decimals} decimal places`);
    }
    return d.units / factor;
  }
  return d.units * 10n ** BigInt(decimals - d.scale);
}

export type Rounding = 'up' | 'down' | 'nearest';

export function rescale(d: Decimal, scale: number, rounding: Rounding): Decimal {
  if (scale >= d.scale) return { units: d.units * 10n ** BigInt(scale - d.scale), scale };
  return { units: divRound(d.units, 10n ** BigInt(d.scale - scale), rounding), scale };
}

/** Integer division of non-negative numbers rounding up, down or half up. */
export function divRound(n: bigint, d: bigint, rounding: Rounding): bigint {
  if (rounding === 'nearest') return (2n * n + d) / (2n * d);
  const q = n / d;
  return rounding === 'up' && q * d !== n ? q + 1n : q;
}

/** Exact product, without trailing zeros. */
export function mulDecimal(a: Decimal, b: Decimal): Decimal {
  return normalize({ units: a.units * b.units, scale: a.scale + b.scale });
}

/** Significant digits kept by division; far beyond any price's own precision. */
export const DIVISION_DIGITS = 24;

function digitCount(n: bigint): number {
  return (n < 0n ? -n : n).toString().length;
}

/** a / b with `significant` digits, rounded down: the one place precision ends. */
export function divDecimal(a: Decimal, b: Decimal, significant = DIVISION_DIGITS): Decimal {
  if (b.units === 0n) throw new RangeError('division by zero');
  // a/b is about 10^(magnitude); choose a scale that leaves `significant` digits.
  const magnitude = digitCount(a.units) - a.scale - (digitCount(b.units) - b.scale);
  const scale = Math.max(0, significant - magnitude + 1);
  const num = a.units * 10n ** BigInt(b.scale + scale);
  const den = b.units * 10n ** BigInt(a.scale);
  return normalize({ units: num / den, scale });
}

export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const s = Math.max(a.scale, b.scale);
  return {
    units: a.units * 10n ** BigInt(s - a.scale) + b.units * 10n ** BigInt(s - b.scale),
    scale: s,
  };
}

export function subDecimal(a: Decimal, b: Decimal): Decimal {
  return addDecimal(a, { units: -b.units, scale: b.scale });
}

/** Median; with an even count, the exact mean of the two middle values. */
export function median(values: readonly Decimal[]): Decimal {
  if (values.length === 0) throw new RangeError('median of nothing');
  const sorted = [...values].sort(compareDecimal);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[mid] as Decimal;
  const sum = addDecimal(sorted[mid - 1] as Decimal, sorted[mid] as Decimal);
  // (x / 2) = (x * 5) / 10: exact in decimal.
  return normalize({ units: sum.units * 5n, scale: sum.scale + 1 });
}

/** True when |value - reference| exceeds `percent` % of the reference. */
export function deviatesMoreThan(value: Decimal, reference: Decimal, percent: Decimal): boolean {
  const diff = subDecimal(value, reference);
  const absDiff = { units: diff.units < 0n ? -diff.units : diff.units, scale: diff.scale };
  // |diff| * 100 > percent * reference
  return (
    compareDecimal(mulDecimal(absDiff, { units: 100n, scale: 0 }), mulDecimal(percent, reference)) >
    0
  );
}

export function compareDecimal(a: Decimal, b: Decimal): number {
  const s = Math.max(a.scale, b.scale);
  const x = a.units * 10n ** BigInt(s - a.scale);
  const y = b.units * 10n ** BigInt(s - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Crypto amount due for a price: price / rate (rate = price currency per one
 * coin), in smallest units, rounded up so the customer never pays less.
 */
export function priceToUnits(price: Decimal, rate: Decimal, decimals: number): bigint {
  if (rate.units <= 0n) throw new InvalidAmount(formatDecimal(rate), 'rate must be positive');
  // price/rate * 10^decimals = price.units * 10^(decimals + rate.scale) / (rate.units * 10^price.scale)
  const num = price.units * 10n ** BigInt(decimals + rate.scale);
  const den = rate.units * 10n ** BigInt(price.scale);
  return divRound(num, den, 'up');
}

/** value of `amount` smallest units in the rate's quote currency, rounded down to `scale` places. */
export function unitsToPrice(
  amount: bigint,
  decimals: number,
  rate: Decimal,
  scale: number,
): Decimal {
  return convert({ units: amount, scale: decimals }, rate, scale, 'down');
}

/** amount * rate at `scale` places with the given rounding (a price in another currency). */
export function convert(
  amount: Decimal,
  rate: Decimal,
  scale: number,
  rounding: Rounding,
): Decimal {
  const num = amount.units * rate.units * 10n ** BigInt(scale);
  const den = 10n ** BigInt(amount.scale + rate.scale);
  return { units: divRound(num, den, rounding), scale };
}

/** Percentage of a bigint amount rounded down: amount * pct / 100. */
export function percentOf(amount: bigint, percent: Decimal): bigint {
  return (amount * percent.units) / (100n * 10n ** BigInt(percent.scale));
}
