/**
 * JSON whose numbers never pass through a float: every number read is a
 * JsonNumber holding its exact source text (or what the caller makes of that
 * text), and a JsonNumber is written back as a bare number with those digits
 * (lossless-json's stringify).
 */
import { parse, stringify, type NumberStringifier } from 'lossless-json';
import { formatDecimal, parseExact } from './money.js';

/** A JSON number exactly as written, e.g. "23227.19664747" or "1e-7". */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type JsonValue =
  null | boolean | string | JsonNumber | JsonValue[] | { readonly [key: string]: JsonValue };

/** Deeper than any document a node, price API or client sends; bounds the parser's recursion. */
export const MAX_JSON_DEPTH = 64;

/** Whether JSON text nests deeper than `max`, found in one pass with no recursion. */
export function jsonDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

const asJsonNumber = (text: string) => new JsonNumber(text);

const NUMBER_TOKEN = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** Marks a number token turned into a string; a JSON string can only hold U+0000 as an escape. */
const MARK = '\u0000#';
const NUL_ESCAPE = /\\u0000/i;
/** The mark as JSON text: an escape, since JSON strings may not hold a raw U+0000. */
const MARKED_OPEN = '"\\u0000#';

/**
 * Parses JSON with every number as `readNumber` makes it (a JsonNumber unless
 * told otherwise). A repeated key keeps its last value, as JSON.parse does.
 * Throws SyntaxError on invalid or too deeply nested text.
 *
 * Node's own JSON.parse does the work once every number token is quoted with
 * a mark (lossless-json alone is some 50 times slower on a node's multi-megabyte
 * block, its strings read a character at a time); text that could forge the
 * mark (a \u0000 escape) is read by lossless-json instead.
 */
export function parseJsonExact(text: string): JsonValue;
export function parseJsonExact(text: string, readNumber: (text: string) => unknown): unknown;
export function parseJsonExact(
  text: string,
  readNumber: (text: string) => unknown = asJsonNumber,
): unknown {
  if (jsonDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new SyntaxError(`invalid JSON: nested more than ${MAX_JSON_DEPTH} levels deep`);
  }
  if (NUL_ESCAPE.test(text)) {
    return parse(text, null, {
      parseNumber: readNumber,
      onDuplicateKey: ({ newValue }) => newValue,
    });
  }
  return revive(JSON.parse(quoteNumbers(text)) as unknown, readNumber);
}

/** Turns marked strings back into numbers, in place (a walk is far quicker than a JSON.parse reviver). */
function revive(value: unknown, readNumber: (text: string) => unknown): unknown {
  if (typeof value === 'string') {
    return value.charCodeAt(0) === 0 && value.startsWith(MARK)
      ? readNumber(value.slice(MARK.length))
      : value;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i], readNumber);
  } else if (value !== null && typeof value === 'object') {
    // JSON.parse made every key an own data property (even "__proto__"), so writing it back is safe.
    const obj = value as Record<string, unknown>;
    // for-in: JSON.parse objects inherit nothing enumerable, and no key array is made.
    for (const key in obj) {
      const v = obj[key];
      const r = revive(v, readNumber);
      if (r !== v) obj[key] = r;
    }
  }
  return value;
}

/** One scan: strings are skipped whole, every number token becomes a marked string. */
function quoteNumbers(text: string): string {
  const parts: string[] = [];
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let end = text.indexOf('"', i + 1);
      while (end > 0 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
      if (end < 0) break; // unterminated: JSON.parse reports it
      i = end + 1;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < n && isNumberChar(text.charCodeAt(j))) j++;
      const token = text.slice(i, j);
      if (!NUMBER_TOKEN.test(token)) throw new SyntaxError(`invalid JSON number ${token}`);
      parts.push(text.slice(copied, i), MARKED_OPEN, token, '"');
      copied = j;
      i = j;
    } else {
      i++;
    }
  }
  parts.push(text.slice(copied));
  return parts.join('');
}

/** Digits, '.', 'e', 'E', '+', '-'. */
function isNumberChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d
  );
}

/** Whether the quote at `pos` is escaped (preceded by an odd number of backslashes). */
function isEscaped(text: string, pos: number): boolean {
  let k = pos - 1;
  while (k >= 0 && text.charCodeAt(k) === 0x5c) k--;
  return (pos - 1 - k) % 2 === 1;
}

const writeJsonNumber: NumberStringifier = {
  test: (v) => v instanceof JsonNumber,
  stringify: (v) => (v as JsonNumber).text,
};

/** JSON.stringify that writes JsonNumber values as bare numbers with their exact digits. */
export function stringifyExact(value: unknown): string {
  return stringify(value, null, undefined, [writeJsonNumber]) ?? 'null';
}

/** A JSON number from exact decimal text, always with a point, as CryptoCloud's floats print. */
export function decimalNumber(text: string): JsonNumber {
  const canonical = formatDecimal(parseExact(text));
  return new JsonNumber(canonical.includes('.') ? canonical : `${canonical}.0`);
}

export function isJsonObject(v: unknown): v is { readonly [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

/** The decimal text of a field sent either as a JSON number or as a string. */
export function numericText(v: unknown): string | undefined {
  if (v instanceof JsonNumber) return v.text;
  if (typeof v === 'string') return v;
  return undefined;
}
