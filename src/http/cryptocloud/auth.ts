/** `Authorization: Token <API KEY>`; a missing or bad key answers 401 `{"detail": ...}` as CryptoCloud does. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticate } from '../../app/accounts.js';
import type { AppContext } from '../../app/context.js';

declare module 'fastify' {
  interface FastifyRequest {
    ccAccountId: string;
  }
}

export function tokenAuth(ctx: AppContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization?.trim() ?? '';
    if (header === '')
      return reply.status(401).send({ detail: 'Authentication credentials were not provided.' });
    // "Token" is CryptoCloud's scheme; "Bearer" is accepted so one key header works on both APIs.
    const m = /^(?:Token|Bearer)\s+(\S{10,300})$/i.exec(header);
    const accountId = m?.[1] ? await authenticate(ctx, m[1]) : null;
    if (!accountId) return reply.status(401).send({ detail: 'Invalid token.' });
    req.ccAccountId = accountId;
  };
}
