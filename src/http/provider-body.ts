/**
 * Request bodies of the Cryptopay- and CoinsPaid-compatible faces: JSON whose
 * numbers keep their source text (amounts never pass through a float), every
 * object without a prototype, and keys that could reach one refused outright.
 * The raw text is kept on the request: both providers sign the bytes as sent.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseExactJson, RawNumber } from './cryptocloud/body.js';

export { RawNumber };

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A body that names a prototype key; answered with a 400 in the face's own error shape. */
export class ForbiddenKeyError extends Error {
  constructor(readonly key: string) {
    super(`key "${key}" is not allowed`);
    this.name = 'ForbiddenKeyError';
  }
}

function detach(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(detach);
  if (v && typeof v === 'object' && !(v instanceof RawNumber)) {
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, val] of Object.entries(v)) out[k] = detach(val);
    return out;
  }
  return v;
}

/** Exact JSON with null-prototype objects; an empty body is an empty object. */
export function parseProviderJson(text: string): unknown {
  if (text.trim() === '') return Object.create(null);
  // JSON.parse makes "__proto__" an own key, so the check sees it before anything is copied.
  JSON.parse(text, (key, value: unknown) => {
    if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKeyError(key);
    return value;
  });
  return detach(parseExactJson(text));
}

/** Replaces the scope's parsers: every content type is read as JSON and its text kept. */
export function providerBodyParser(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    '*',
    { parseAs: 'string' },
    (
      req: FastifyRequest,
      body: string | Buffer,
      done: (err: Error | null, body?: unknown) => void,
    ) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      req.rawBody = text;
      try {
        done(null, parseProviderJson(text));
      } catch (e) {
        done(e instanceof Error ? e : new SyntaxError(String(e)));
      }
    },
  );
}

/** The parsed body as a field map (null-prototype); anything but an object is refused by callers. */
export function fieldsOf(body: unknown): Record<string, unknown> | null {
  if (body === undefined || body === null) return Object.create(null) as Record<string, unknown>;
  if (typeof body !== 'object' || Array.isArray(body) || body instanceof RawNumber) return null;
  return body as Record<string, unknown>;
}
