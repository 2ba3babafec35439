/**
 * The old API still used by older plugins: POST /v1/invoice/create answers
 * `{status, pay_url, currency, invoice_id, amount, amount_usd}` where `currency`
 * is a crypto code (BTC, LTC, ETH, TRX, USDT, USDC, TUSD) and `amount` is due in
 * it; GET or POST /v1/invoice/info answers `{status, status_invoice, currency}`
 * with the invoice's payment currency, the same code until the customer switches.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findInvoice, invoiceDetails } from '../../app/invoices.js';
import { preselectCurrency } from '../../app/preselect-currency.js';
import { cryptoCurrency } from '../../domain/currencies.js';
import { cryptoCloudStatus } from '../../domain/status-vocabulary.js';
import { KassaError } from '../../domain/errors.js';
import { stringifyExact } from '../../domain/exact-json.js';
import { bodyOf, formatContext, type RouteDeps } from './context.js';
import { createFromRequest } from './create.js';
import { ccInvalid } from './errors.js';
import { num } from './format.js';
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
    const v = await preselectCurrency(deps.ctx, req.ccAccountId, invoice);
    const c = v.quote ? cryptoCurrency(v.quote.currency) : undefined;
    const f = formatContext(deps.ctx);
    const result = {
      status: 'success',
      pay_url: v.link,
      currency: c?.symbol ?? null,
      invoice_id: v.uuid.replace(/^INV-/, ''),
      amount: v.quote ? num(v.quote.amount_due) : null,
      amount_usd: await f.usd.price(v.amount, v.currency),
    };
    return reply.type('application/json; charset=utf-8').send(stringifyExact(result));
  });

  const info = async (req: FastifyRequest) => {
    const source = { ...(req.query as Body), ...(req.method === 'POST' ? bodyOf(req) : {}) };
    const ref = parseUuid(source);
    try {
      const v = await invoiceDetails(deps.ctx, await findInvoice(deps.ctx, req.ccAccountId, ref));
      const c = v.quote ? cryptoCurrency(v.quote.currency) : undefined;
      return {
        status: 'success',
        status_invoice: cryptoCloudStatus(v),
        currency: c?.symbol ?? null,
      };
    } catch (e) {
      if (e instanceof KassaError && e.code === 'not_found')
        throw ccInvalid('uuid', `invoice ${ref} not found`);
      throw e;
    }
  };
  app.get('/v1/invoice/info', info);
  app.post('/v1/invoice/info', info);
}
