/** POST /v2/invoice/create (`?locale=en|ru`). */
import type { FastifyInstance } from 'fastify';
import { createInvoice } from '../../app/invoices.js';
import { bodyOf, formatContext, success, type RouteDeps } from './context.js';
import { ccInvalid } from './errors.js';
import { ccCreatedInvoice } from './format.js';
import { locale, parseCreate, type CreateRequest } from './schemas.js';

/** Creates the invoice (and schedules its e-mail) from a parsed CryptoCloud request. */
export async function createFromRequest(
  deps: RouteDeps,
  accountId: string,
  r: CreateRequest,
  lang: 'en' | 'ru',
) {
  // Refused before anything is written: an invoice whose e-mail can never leave would mislead the merchant.
  if (r.emailToSend && !deps.mail?.enabled) {
    throw ccInvalid(
      'email_to_send',
      'sending e-mail is not configured on this gateway (set SMTP_URL)',
    );
  }
  const { invoice, created } = await createInvoice(deps.ctx, {
    accountId,
    shopId: r.shopId,
    amount: r.amount,
    currency: r.currency,
    locale: lang,
    ...(r.orderId !== undefined ? { orderId: r.orderId } : {}),
    ...(r.email !== undefined ? { email: r.email } : {}),
    ...(r.expiresInSeconds !== undefined ? { expiresInSeconds: r.expiresInSeconds } : {}),
    ...(r.cryptocurrency !== undefined ? { paymentCurrency: r.cryptocurrency } : {}),
    ...(r.availableCurrencies !== undefined ? { availableCurrencies: r.availableCurrencies } : {}),
  });
  if (created && r.emailToSend && deps.mail)
    await deps.mail.schedule(invoice.id, r.emailToSend, r.period ?? null);
  return invoice;
}

export function createRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post('/v2/invoice/create', async (req, reply) => {
    const body = bodyOf(req);
    const query = req.query as Record<string, unknown>;
    const invoice = await createFromRequest(
      deps,
      req.ccAccountId,
      parseCreate(body),
      locale(query.locale ?? body.locale),
    );
    return success(reply, await ccCreatedInvoice(formatContext(deps.ctx), invoice));
  });
}
