/**
 * `Authorization: Token <API KEY>`. A missing or bad key answers 403 with the
 * body CryptoCloud documents, `{"status":"error","result":{"authorization":
 * "Unauthorized request."}}`, plus DRF's `detail` beside it: typed clients read
 * error bodies only on 400 and 403 and throw on anything else.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateKey } from '../../app/accounts.js';
import type { AppContext } from '../../app/context.js';

declare module 'fastify' {
  interface FastifyRequest {
    ccAccountId: string;
  }
}

export const UNAUTHORIZED_STATUS = 403;

export function unauthorizedBody(detail: string) {
  return { status: 'error', result: { authorization: 'Unauthorized request.' }, detail };
}

export function tokenAuth(ctx: AppContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization?.trim() ?? '';
    if (header === '')
      return reply
        .status(UNAUTHORIZED_STATUS)
        .send(unauthorizedBody('Authentication credentials were not provided.'));
    // "Token" is CryptoCloud's scheme; "Bearer" is accepted so one key header works on both APIs.
    const m = /^(?:Token|Bearer)\s+(\S{10,300})$/i.exec(header);
    const key = m?.[1] ? await authenticateKey(ctx, m[1]) : null;
    if (!key) return reply.status(UNAUTHORIZED_STATUS).send(unauthorizedBody('Invalid token.'));
    req.ccAccountId = key.accountId;
    req.apiKey = { id: key.id, access: key.access, projectId: key.projectId };
  };
}
