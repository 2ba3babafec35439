import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticate } from '../../app/accounts.js';
import type { AppContext } from '../../app/context.js';

declare module 'fastify' {
  interface FastifyRequest {
    accountId: string;
  }
}

/** Bearer API key -> account; a bad key answers 401 and nothing else runs. */
export function bearerAuth(ctx: AppContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S{10,200})$/i.exec(header);
    const accountId = m?.[1] ? await authenticate(ctx, m[1]) : null;
    if (!accountId) {
      return reply.status(401).send({
        error: {
          code: 'unauthorized',
          message: 'missing or invalid API key',
          field: 'Authorization',
        },
      });
    }
    req.accountId = accountId;
  };
}
