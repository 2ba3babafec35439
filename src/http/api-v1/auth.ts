import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateKey } from '../../app/accounts.js';
import type { AppContext } from '../../app/context.js';
import { forbidden, readOnlyRefusal } from './scope.js';

declare module 'fastify' {
  interface FastifyRequest {
    accountId: string;
  }
}

/** Bearer API key -> account and scope; a bad key answers 401, a read-only key's write 403. */
export function bearerAuth(ctx: AppContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S{10,200})$/i.exec(header);
    const key = m?.[1] ? await authenticateKey(ctx, m[1]) : null;
    if (!key) {
      return reply.status(401).send({
        error: {
          code: 'unauthorized',
          message: 'missing or invalid API key',
          field: 'Authorization',
        },
      });
    }
    req.accountId = key.accountId;
    req.apiKey = { id: key.id, access: key.access, projectId: key.projectId };
    const refused = readOnlyRefusal(req);
    if (refused) return forbidden(reply, refused);
  };
}
