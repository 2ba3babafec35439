/**
 * JSON numbers written from exact decimal text, never through a float: the
 * value serialises to a marked string, and stringifyExact splices the digits in.
 */
import { formatDecimal, parseExact } from './money.js';

const MARK = '\u0000num:';

/** A number written into JSON exactly as this decimal text. */
export class JsonDecimal {
  constructor(readonly text: string) {}
  toJSON(): string {
    return MARK + this.text;
  }
}

/** JSON.stringify that writes JsonDecimal values as bare numbers. */
export function stringifyExact(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0000num:(-?[0-9.]+)"/g, '$1');
}

/** A JSON number from exact decimal text, always with a point, as CryptoCloud's floats print. */
export function decimalNumber(text: string): JsonDecimal {
  const canonical = formatDecimal(parseExact(text));
  return new JsonDecimal(canonical.includes('.') ? canonical : `${canonical}.0`);
}
