/**
 * Bitcoin Core prints amounts as JSON numbers with eight decimals
 * (`"value":0.00150000`). JSON.parse would turn them into floats, so every
 * number literal with a fraction or exponent is kept as its exact text.
 * Integers (heights, times, vout indexes) stay numbers.
 */

// One pass over the text: string literals are skipped whole (they may contain
// digits and dots), fractional number literals are captured.
const TOKEN = /"(?:[^"\\]|\\.)*"|(-?\d+(?:\.\d+)?[eE][+-]?\d+|-?\d+\.\d+)/g;

export function parseExactJson(text: string): unknown {
  const quoted = text.replace(TOKEN, (match: string, num: string | undefined) =>
    num === undefined ? match : `"${num}"`,
  );
  return JSON.parse(quoted) as unknown;
}

/** Converts a coin amount as the node prints it ("0.00150000", or a number) to smallest units. */
export function coinsToUnits(value: unknown, decimals = 8): bigint {
  const text = typeof value === 'number' ? value.toFixed(decimals) : String(value);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`not an amount: ${JSON.stringify(value)}`);
  const frac = m[3] ?? '';
  if (frac.length > decimals && /[1-9]/.test(frac.slice(decimals))) {
    throw new Error(`amount has more than ${decimals} decimals: ${text}`);
  }
  const units = BigInt((m[2] ?? '0') + frac.slice(0, decimals).padEnd(decimals, '0'));
  return m[1] === '-' ? -units : units;
}
