/**
 * Bitcoin Core prints amounts as JSON numbers with eight decimals
 * (`"value":0.00150000`). Every number literal with a fraction or exponent is
 * kept as its exact text; integers (heights, times, vout indexes) stay numbers.
 */
import { parseJsonExact } from '../../domain/exact-json.js';
import { parseNumberText, toUnits, type Decimal } from '../../domain/money.js';

const INTEGER_RE = /^-?\d+$/;

const readNodeNumber = (text: string): unknown => (INTEGER_RE.test(text) ? Number(text) : text);

export function parseExactJson(text: string): unknown {
  return parseJsonExact(text, readNodeNumber);
}

/** Converts a coin amount as the node prints it ("0.00150000", or a number) to smallest units. */
export function coinsToUnits(value: unknown, decimals = 8): bigint {
  const text = typeof value === 'number' ? value.toFixed(decimals) : String(value);
  let d: Decimal;
  try {
    d = parseNumberText(text);
  } catch {
    throw new Error(`not an amount: ${JSON.stringify(value)}`);
  }
  if (d.scale > decimals) throw new Error(`amount has more than ${decimals} decimals: ${text}`);
  return toUnits(d, decimals);
}
