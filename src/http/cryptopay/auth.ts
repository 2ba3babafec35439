/**
 * Cryptopay's request signing: `Authorization: HMAC <api_key>:<signature>` and
 * a `Date` header, the signature being base64 HMAC-SHA1 under the API secret of
 * "METHOD\nmd5(body)\ncontent-type\ndate\npath" (path with its query, as sent).
 * A Date further than the skew window from the gateway's clock is refused, so
 * a captured request cannot be replayed later.
 */
import { createHash, createHmac } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { providerPrincipal, sameSignature } from '../../app/provider-credentials.js';
import { errorBody } from './errors.js';

export const CLOCK_SKEW_MS = 5 * 60 * 1000;

declare module 'fastify' {
  interface FastifyRequest {
    cpAccountId: string;
    cpShopId: string;
  }
}

export function stringToSign(r: {
  method: string;
  body: string;
  contentType: string;
  date: string;
  path: string;
}): string {
  const bodyHash = r.body === '' ? '' : createHash('md5').update(r.body).digest('hex');
  return `${r.method.toUpperCase()}\n${bodyHash}\n${r.contentType}\n${r.date}\n${r.path}`;
}

export function sign(secret: string, text: string): string {
  return createHmac('sha1', secret).update(text).digest('base64');
}

const HEADER = /^HMAC\s+([^\s:]+):(\S+)$/;

export function hmacAuth(ctx: AppContext, signingKey: Uint8Array) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const refuse = (message: string) => reply.status(401).send(errorBody('unauthorized', message));
    const m = HEADER.exec(req.headers.authorization?.trim() ?? '');
    if (!m) return refuse('Authorization must be "HMAC <api_key>:<signature>"');
    const date = req.headers.date;
    const at = date ? Date.parse(date) : NaN;
    if (!date || Number.isNaN(at)) return refuse('a valid Date header is required');
    if (Math.abs(ctx.clock.now() - at) > CLOCK_SKEW_MS)
      return refuse('the Date header is outside the allowed clock skew');
    const principal = await providerPrincipal(ctx, signingKey, 'cryptopay', m[1]!);
    if (!principal) return refuse('unknown or revoked API key');
    const expected = sign(
      principal.secret,
      stringToSign({
        method: req.method,
        body: req.rawBody ?? '',
        contentType: req.headers['content-type'] ?? '',
        date,
        path: req.raw.url ?? req.url,
      }),
    );
    if (!sameSignature(m[2]!, expected)) return refuse('signature does not match');
    // Every Cryptopay write is a POST; reads are GETs.
    if (principal.access === 'read' && req.method !== 'GET' && req.method !== 'HEAD')
      return reply
        .status(403)
        .send(
          errorBody('forbidden', 'this API key is read-only; use a key with full access to write'),
        );
    req.cpAccountId = principal.accountId;
    req.cpShopId = principal.shopId;
  };
}
