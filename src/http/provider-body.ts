/**
 * Request bodies of the Cryptopay- and CoinsPaid-compatible faces: JSON whose
 * numbers keep their source text (amounts never pass through a float), parsed
 * by the same safe parser as CryptoCloud's (null prototypes, prototype keys
 * refused, depth bounded). The raw text is kept on the request: both providers sign the bytes as sent.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseExactJson } from './body-safety.js';
import { JsonNumber } from '../domain/exact-json.js';

export { JsonNumber };

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

/** Exact JSON into null-prototype objects, prototype keys refused (see body-safety.ts). */
export function parseProviderJson(text: string): unknown {
  return parseExactJson(text);
}

/**
 * Replaces the scope's parsers: every content type is kept as text, and parsed
 * only by `parseSignedBody` once the request's signature holds, so an unsigned
 * caller learns nothing about how its body would be read.
 */
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
      req.rawBody = typeof body === 'string' ? body : body.toString('utf8');
      done(null, undefined);
    },
  );
}

/** After authentication: the kept text as exact, prototype-safe JSON. */
export async function parseSignedBody(req: FastifyRequest): Promise<void> {
  req.body = req.rawBody === undefined ? undefined : parseProviderJson(req.rawBody);
}

/** The parsed body as a field map (null-prototype); anything but an object is refused by callers. */
export function fieldsOf(body: unknown): Record<string, unknown> | null {
  if (body === undefined || body === null) return Object.create(null) as Record<string, unknown>;
  if (typeof body !== 'object' || Array.isArray(body) || body instanceof JsonNumber) return null;
  return body as Record<string, unknown>;
}
