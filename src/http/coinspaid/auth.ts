/**
 * CoinsPaid's request signing: `X-Processing-Key` names the key pair and
 * `X-Processing-Signature` is the hex HMAC-SHA512 of the raw body under its
 * secret. Either wrong: 403 `{"error", "code"}`, as CoinsPaid answers.
 */
import { createHmac } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { providerPrincipal, sameSignature } from '../../app/provider-credentials.js';

declare module 'fastify' {
  interface FastifyRequest {
    cpsAccountId: string;
    cpsShopId: string;
  }
}

export function signBody(secret: string, body: string): string {
  return createHmac('sha512', secret).update(body).digest('hex');
}

export function processingAuth(ctx: AppContext, signingKey: Uint8Array) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const key = req.headers['x-processing-key'];
    const signature = req.headers['x-processing-signature'];
    if (typeof key !== 'string' || key === '')
      return reply.status(403).send({ error: 'Bad key header', code: 'bad_header_key' });
    if (typeof signature !== 'string' || signature === '')
      return reply
        .status(403)
        .send({ error: 'Bad signature header', code: 'bad_header_signature' });
    const principal = await providerPrincipal(ctx, signingKey, 'coinspaid', key);
    if (!principal)
      return reply.status(403).send({ error: 'Bad key header', code: 'bad_header_key' });
    if (!sameSignature(signature.toLowerCase(), signBody(principal.secret, req.rawBody ?? '')))
      return reply
        .status(403)
        .send({ error: 'Bad signature header', code: 'bad_header_signature' });
    // Create and cancel are POSTs; reads are GETs.
    if (principal.access === 'read' && req.method !== 'GET' && req.method !== 'HEAD')
      return reply.status(403).send({
        error: 'This API key is read-only; use a key with full access to write',
        code: 'forbidden',
      });
    req.cpsAccountId = principal.accountId;
    req.cpsShopId = principal.shopId;
  };
}
