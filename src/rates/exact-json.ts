/**
 * JSON parsing that keeps numbers as their source text. Some price APIs
 * (Bitfinex, open.er-api.com) send prices as JSON numbers; JSON.parse would
 * round them through binary floats, so we never let it see them.
 */

/** A JSON number exactly as written in the document, e.g. "23227.19664747". */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type JsonValue =
  null | boolean | string | JsonNumber | JsonValue[] | { readonly [key: string]: JsonValue };

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters inside strings
const STRING_RE = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const MAX_DEPTH = 64;

export function parseJsonExact(text: string): JsonValue {
  let pos = 0;

  const fail = (what: string): never => {
    throw new SyntaxError(`invalid JSON at offset ${pos}: ${what}`);
  };
  const skipSpace = () => {
    while (pos < text.length && ' \t\r\n'.includes(text[pos] as string)) pos++;
  };
  const readString = (): string => {
    STRING_RE.lastIndex = pos;
    const m = STRING_RE.exec(text);
    if (!m) return fail('bad string');
    pos = STRING_RE.lastIndex;
    // The slice is a valid JSON string literal; JSON.parse only unescapes it.
    return JSON.parse(m[0]) as string;
  };

  const value = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail('nested too deep');
    skipSpace();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj: Record<string, JsonValue> = Object.create(null) as Record<string, JsonValue>;
      skipSpace();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        skipSpace();
        if (text[pos] !== '"') fail('expected a key');
        const key = readString();
        skipSpace();
        if (text[pos] !== ':') fail('expected ":"');
        pos++;
        obj[key] = value(depth + 1);
        skipSpace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return obj;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      pos++;
      const arr: JsonValue[] = [];
      skipSpace();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        skipSpace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return arr;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return readString();
    if (text.startsWith('true', pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith('false', pos)) {
      pos += 5;
      return false;
    }
    if (text.startsWith('null', pos)) {
      pos += 4;
      return null;
    }
    NUMBER_RE.lastIndex = pos;
    const m = NUMBER_RE.exec(text);
    if (m) {
      pos = NUMBER_RE.lastIndex;
      return new JsonNumber(m[0]);
    }
    return fail(c === undefined ? 'unexpected end' : `unexpected ${JSON.stringify(c)}`);
  };

  const result = value(0);
  skipSpace();
  if (pos !== text.length) fail('trailing data');
  return result;
}

export function isObject(v: JsonValue | undefined): v is { readonly [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

/** The decimal text of a price field that an API sends either as a string or as a number. */
export function numericText(v: JsonValue | undefined): string | undefined {
  if (v instanceof JsonNumber) return v.text;
  if (typeof v === 'string') return v;
  return undefined;
}
