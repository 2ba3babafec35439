/**
 * JSON whose numbers never pass through a float, read and written by
 * lossless-json: every number is a JsonNumber holding its exact source text,
 * and a JsonNumber is written back as a bare number with those digits.
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

/**
 * Parses JSON with every number as `readNumber` makes it (a JsonNumber unless
 * told otherwise). A repeated key keeps its last value, as JSON.parse does.
 * Throws SyntaxError on invalid or too deeply nested text.
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
  return parse(text, null, {
    parseNumber: readNumber,
    onDuplicateKey: ({ newValue }) => newValue,
  });
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
