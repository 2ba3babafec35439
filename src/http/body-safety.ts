/**
 * Untrusted request bodies never reach an object's prototype: every parser
 * builds null-prototype objects, refuses the keys that name prototype
 * machinery (with a 400 naming the field), and refuses nesting deeper than any
 * real client sends before anything recursive touches it.
 */
import { KassaError } from '../domain/errors.js';
import { JsonNumber, jsonDeeperThan, parseJsonExact } from '../domain/exact-json.js';

/** Deeper than any body a face accepts (CryptoCloud's add_fields is three levels). */
export const MAX_BODY_DEPTH = 32;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type Tree = Record<string, unknown>;

/** An object that inherits nothing, so no key written to it can reach Object.prototype. */
export const emptyTree = (): Tree => Object.create(null) as Tree;

/** `metadata.__proto__`, `add_fields[time_to_pay]` and the like, as the client wrote it. */
const fieldName = (parent: string, key: string) => (parent ? `${parent}.${key}` : key);

export function checkKey(key: string, parent = ''): void {
  if (FORBIDDEN_KEYS.has(key)) {
    const field = fieldName(parent, key);
    throw new KassaError('invalid_request', `${field} is not an allowed field name`, field);
  }
}

export function tooDeep(field = 'body'): KassaError {
  return new KassaError(
    'invalid_request',
    `${field} is nested more than ${MAX_BODY_DEPTH} levels deep`,
    field,
  );
}

/** Refuses JSON text nested deeper than MAX_BODY_DEPTH, with one pass and no recursion. */
export function checkJsonDepth(text: string): void {
  if (jsonDeeperThan(text, MAX_BODY_DEPTH)) throw tooDeep();
}

/** Copies parsed JSON into null-prototype objects, refusing prototype keys on the way. */
export function detach<T>(value: T, map: (leaf: unknown) => unknown = (v) => v, parent = ''): T {
  if (Array.isArray(value))
    return value.map((v, i) => detach(v, map, `${parent}[${i}]`)) as unknown as T;
  if (value !== null && typeof value === 'object' && !(value instanceof JsonNumber)) {
    const out = emptyTree();
    for (const key of Object.keys(value)) {
      checkKey(key, parent);
      out[key] = detach((value as Tree)[key], map, fieldName(parent, key));
    }
    return out as T;
  }
  return map(value) as T;
}

/** The JSON body parser for every face: null-prototype objects, no prototype keys, bounded depth. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new KassaError('invalid_request', 'body is empty', 'body');
  checkJsonDepth(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new KassaError(
      'invalid_request',
      `body is not valid JSON: ${(e as Error).message}`,
      'body',
    );
  }
  return detach(parsed);
}

/** Flat form fields (`a=1&b=2`, parsed into a null-prototype object) with no prototype keys. */
export function checkFormFields(fields: Tree): Tree {
  const out = emptyTree();
  for (const key of Object.keys(fields)) {
    checkKey(key);
    out[key] = fields[key];
  }
  return out;
}

/** Exact JSON (numbers as JsonNumber) into null-prototype objects; an empty body is an empty object. */
export function parseExactJson(text: string): unknown {
  if (text.trim() === '') return emptyTree();
  checkJsonDepth(text);
  return detach(parseJsonExact(text));
}
