/**
 * API key scopes on the CryptoCloud face. CryptoCloud reads with POST too, so
 * the writes are named: a read-only key gets 403 on them. A key limited to one
 * project may create only in that project and see only its invoices; the
 * routes that span the whole account (list, statistics, balance) refuse it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { findInvoice } from '../../app/invoices.js';
import type { AppContext } from '../../app/context.js';
import { KassaError } from '../../domain/errors.js';
import { UNAUTHORIZED_STATUS, unauthorizedBody } from './auth.js';
import { bodyOf } from './context.js';
import { ccInvalid } from './errors.js';
import { parseUuid, parseUuids, type Body } from './schemas.js';

const WRITES = new Set([
  '/v2/invoice/create',
  '/v1/invoice/create',
  '/v2/invoice/merchant/canceled',
  '/v2/invoice/static/create',
]);
const CREATES = new Set(['/v2/invoice/create', '/v1/invoice/create', '/v2/invoice/static/create']);
const ACCOUNT_WIDE = new Set([
  '/v2/invoice/merchant/list',
  '/v2/invoice/merchant/statistics',
  '/v2/merchant/wallet/balance/all',
]);

export function isCryptoCloudWrite(path: string): boolean {
  return WRITES.has(path);
}

export function ccScopeHook(ctx: AppContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const key = req.apiKey;
    if (!key) return;
    const path = req.routeOptions.url ?? '';
    if (key.access === 'read' && WRITES.has(path))
      return reply
        .status(UNAUTHORIZED_STATUS)
        .send(unauthorizedBody('This API key is read-only; use a key with full access.'));
    const only = key.projectId;
    if (only === null) return;
    if (ACCOUNT_WIDE.has(path))
      return reply
        .status(UNAUTHORIZED_STATUS)
        .send(
          unauthorizedBody(
            `This API key is limited to shop ${only}; this request spans the whole account.`,
          ),
        );
    const body = bodyOf(req);
    if (CREATES.has(path)) {
      if (body.shop_id !== only)
        throw ccInvalid('shop_id', `shop ${String(body.shop_id)} not found`);
      return;
    }
    const source: Body = { ...(req.query as Body), ...(req.method === 'POST' ? body : {}) };
    // Unparseable ids are left for the route, which answers with the usual message.
    let refs: string[];
    try {
      refs = path === '/v2/invoice/merchant/info' ? parseUuids(source) : [parseUuid(source)];
    } catch {
      return;
    }
    const field = path === '/v2/invoice/merchant/info' ? 'uuids' : 'uuid';
    for (const ref of refs) {
      try {
        const inv = await findInvoice(ctx, req.ccAccountId, ref);
        if (inv.projectId !== only) throw ccInvalid(field, `invoice ${ref} not found`);
      } catch (e) {
        if (e instanceof KassaError && e.code === 'not_found')
          throw ccInvalid(field, `invoice ${ref} not found`);
        throw e;
      }
    }
  };
}
