/**
 * Bitcoin Core prints amounts as JSON numbers with eight decimals
 * (`"value":0.00150000`). JSON.parse would turn them into floats, so every
 * number literal with a fraction or exponent is kept as its exact text.
 * Integers (heights, times, vout indexes) stay numbers.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export function parseExactJson(text: string): unknown {
  // One scan: string literals are skipped with indexOf (they may hold digits
  // and dots); number literals with a fraction or exponent get quoted.
  const parts: string[] = [];
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = text.indexOf('"', i + 1);
      while (end > 0 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
      if (end < 0) break; // unterminated: let JSON.parse report it
      i = end + 1;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      let fractional = false;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d >= 0x30 && d <= 0x39) continue;
        if (d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d) {
          fractional = true;
          continue;
        }
        break;
      }
      if (fractional) {
        parts.push(text.slice(copied, i), '"', text.slice(i, j), '"');
        copied = j;
      }
      i = j;
    } else {
      i++;
    }
  }
  if (copied === 0) return JSON.parse(text) as unknown;
  parts.push(text.slice(copied));
  return JSON.parse(parts.join('')) as unknown;
}

/** Whether the quote at `pos` is escaped (preceded by an odd number of backslashes). */
function isEscaped(text: string, pos: number): boolean {
  let k = pos - 1;
  while (k >= 0 && text.charCodeAt(k) === BACKSLASH) k--;
  return (pos - 1 - k) % 2 === 1;
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
