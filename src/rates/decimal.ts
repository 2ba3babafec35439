/**
 * Exact rate arithmetic on (units, scale) decimals. Products and means are
 * exact; division is the one place precision ends, so it keeps a fixed number
 * of significant digits and rounds down.
 */
import { compareDecimal, formatDecimal, type Decimal } from '../domain/money.js';

/** Significant digits kept by division; far beyond any price's own precision. */
export const DIVISION_DIGITS = 24;

const RATE_RE = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses a positive price as an API writes it: "10724.80000", "0.9992",
 * or exponent forms such as "2.5e-7" that JSON numbers may take.
 */
export function parseRate(text: string): Decimal {
  const m = RATE_RE.exec(text.trim());
  if (!m || text.length > 64) throw new RangeError(`not a price: ${JSON.stringify(text)}`);
  const int = m[1] as string;
  const frac = m[2] ?? '';
  const exp = Number(m[3] ?? '0');
  if (Math.abs(exp) > 40) throw new RangeError(`price out of range: ${JSON.stringify(text)}`);
  let units = BigInt(int + frac);
  let scale = frac.length - exp;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  const d = normalize({ units, scale });
  if (d.units <= 0n) throw new RangeError(`price must be positive: ${JSON.stringify(text)}`);
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

export function mul(a: Decimal, b: Decimal): Decimal {
  return normalize({ units: a.units * b.units, scale: a.scale + b.scale });
}

function digits(n: bigint): number {
  return (n < 0n ? -n : n).toString().length;
}

/** a / b with DIVISION_DIGITS significant digits, rounded down. */
export function div(a: Decimal, b: Decimal, significant = DIVISION_DIGITS): Decimal {
  if (b.units === 0n) throw new RangeError('division by zero');
  // a/b is about 10^(magnitude); choose a scale that leaves `significant` digits.
  const magnitude = digits(a.units) - a.scale - (digits(b.units) - b.scale);
  const scale = Math.max(0, significant - magnitude + 1);
  const num = a.units * 10n ** BigInt(b.scale + scale);
  const den = b.units * 10n ** BigInt(a.scale);
  return normalize({ units: num / den, scale });
}

export function compare(a: Decimal, b: Decimal): number {
  return compareDecimal(a, b);
}

function add(a: Decimal, b: Decimal): Decimal {
  const s = Math.max(a.scale, b.scale);
  return {
    units: a.units * 10n ** BigInt(s - a.scale) + b.units * 10n ** BigInt(s - b.scale),
    scale: s,
  };
}

function sub(a: Decimal, b: Decimal): Decimal {
  return add(a, { units: -b.units, scale: b.scale });
}

/** Median; with an even count, the exact mean of the two middle values. */
export function median(values: readonly Decimal[]): Decimal {
  if (values.length === 0) throw new RangeError('median of nothing');
  const sorted = [...values].sort(compare);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[mid] as Decimal;
  const sum = add(sorted[mid - 1] as Decimal, sorted[mid] as Decimal);
  // (x / 2) = (x * 5) / 10: exact in decimal.
  return normalize({ units: sum.units * 5n, scale: sum.scale + 1 });
}

/** True when |value - reference| exceeds `percent` % of the reference. */
export function deviatesMoreThan(value: Decimal, reference: Decimal, percent: Decimal): boolean {
  const diff = sub(value, reference);
  const absDiff = { units: diff.units < 0n ? -diff.units : diff.units, scale: diff.scale };
  // |diff| * 100 > percent * reference
  return compare(mul(absDiff, { units: 100n, scale: 0 }), mul(percent, reference)) > 0;
}

/** The text a rate is published with: every digit it has (a cross rate is not cut at a fixed scale). */
export function formatRate(d: Decimal): string {
  return formatDecimal(d);
}
