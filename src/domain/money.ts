/**
 * Exact money. Crypto amounts are bigint smallest units; prices and rates are
 * decimal strings held as (digits, scale) pairs. No float ever touches them.
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

export function rescale(d: Decimal, scale: number, rounding: 'up' | 'down'): Decimal {
  if (scale >= d.scale) return { units: d.units * 10n ** BigInt(scale - d.scale), scale };
  return { units: divRound(d.units, 10n ** BigInt(d.scale - scale), rounding), scale };
}

/** Integer division of non-negative numbers rounding up or down. */
export function divRound(n: bigint, d: bigint, rounding: 'up' | 'down'): bigint {
  const q = n / d;
  return rounding === 'up' && q * d !== n ? q + 1n : q;
}

export function mulDecimal(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
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
  const num = amount * rate.units * 10n ** BigInt(scale);
  const den = 10n ** BigInt(decimals + rate.scale);
  return { units: divRound(num, den, 'down'), scale };
}

/** Percentage of a bigint amount rounded down: amount * pct / 100. */
export function percentOf(amount: bigint, percent: Decimal): bigint {
  return (amount * percent.units) / (100n * 10n ** BigInt(percent.scale));
}
