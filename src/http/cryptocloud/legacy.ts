/**
 * The old API still used by older plugins: POST /v1/invoice/create answers
 * `{status, pay_url, currency, invoice_id}`; GET /v1/invoice/info?uuid= answers
 * `{status, status_invoice}`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findInvoice } from '../../app/invoices.js';
import { cryptoCloudStatus } from '../../domain/status-vocabulary.js';
import { KassaError } from '../../domain/errors.js';
import { stringifyExact } from './body.js';
import { bodyOf, type RouteDeps } from './context.js';
import { createFromRequest } from './create.js';
import { ccInvalid } from './errors.js';
import { locale, parseCreate, parseUuid, type Body } from './schemas.js';

export function legacyRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post('/v1/invoice/create', async (req, reply) => {
    const body = bodyOf(req);
    // v1 had no add_fields; anything else it carries is read as v2 reads it.
    const r = parseCreate({ ...body, add_fields: undefined });
    const invoice = await createFromRequest(
      deps,
      req.ccAccountId,
      r,
      locale((req.query as Body).locale ?? body.locale),
    );
    const result = {
      status: 'success',
      pay_url: invoice.link,
      currency: invoice.quote?.currency ?? invoice.currency,
      invoice_id: invoice.uuid.replace(/^INV-/, ''),
    };
    return reply.type('application/json; charset=utf-8').send(stringifyExact(result));
  });

  const info = async (req: FastifyRequest) => {
    const source = { ...(req.query as Body), ...(req.method === 'POST' ? bodyOf(req) : {}) };
    const ref = parseUuid(source);
    try {
      const inv = await findInvoice(deps.ctx, req.ccAccountId, ref);
      return { status: 'success', status_invoice: cryptoCloudStatus(inv) };
    } catch (e) {
      if (e instanceof KassaError && e.code === 'not_found')
        throw ccInvalid('uuid', `invoice ${ref} not found`);
      throw e;
    }
  };
  app.get('/v1/invoice/info', info);
  app.post('/v1/invoice/info', info);
}
