/** CoinsPaid's Invoices API v2: create (three types), get and cancel by foreign_id. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { cancelInvoice } from '../../app/decisions.js';
import { createInvoice, findInvoice, listInvoices } from '../../app/invoices.js';
import { KassaError } from '../../domain/errors.js';
import type { Invoice } from '../../domain/invoice.js';
import { cpsInvalid, cpsNotFound } from './errors.js';
import { cpsInvoice } from './format.js';
import { parseCreate, TIMER_SECONDS } from './schemas.js';

const FIELDS: Record<string, string> = {
  amount: 'amount',
  currency: 'currency',
  payment_currency: 'sender_currency',
  available_currencies: 'sender_currency',
  order_id: 'foreign_id',
  email: 'email_user',
};

async function byForeignId(
  ctx: AppContext,
  req: FastifyRequest,
  foreignId: string,
): Promise<Invoice> {
  const { items } = await listInvoices(ctx, {
    accountId: req.cpsAccountId,
    projectId: req.cpsShopId,
    orderId: foreignId,
    limit: 1,
  });
  if (!items[0]) throw cpsNotFound();
  return findInvoice(ctx, req.cpsAccountId, items[0].id);
}

export function invoiceRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/v2/invoices/create', async (req) => {
    const r = parseCreate(req.body);
    let result;
    try {
      result = await createInvoice(ctx, {
        accountId: req.cpsAccountId,
        shopId: req.cpsShopId,
        amount: r.amount,
        currency: r.currency,
        orderId: r.foreignId,
        expiresInSeconds: r.timer ? TIMER_SECONDS : null,
        description: r.description ?? r.title,
        metadata: { title: r.title },
        ...(r.senderCurrency !== undefined ? { paymentCurrency: r.senderCurrency } : {}),
        ...(r.email !== undefined ? { email: r.email } : {}),
      });
    } catch (e) {
      if (e instanceof KassaError && e.code !== 'not_found') {
        const field = FIELDS[e.field?.replace(/\[.*$/, '') ?? ''] ?? e.field ?? 'request';
        if (e.field === 'order_id')
          throw cpsInvalid('foreign_id', 'The foreign id has already been taken.');
        throw cpsInvalid(field, e.message);
      }
      throw e;
    }
    // foreign_id is unique per project: a second create with it is refused, as CoinsPaid does.
    if (!result.created) throw cpsInvalid('foreign_id', 'The foreign id has already been taken.');
    return {
      data: await cpsInvoice(ctx, await findInvoice(ctx, req.cpsAccountId, result.invoice.id)),
    };
  });

  const get = async (req: FastifyRequest<{ Params: { foreignId: string } }>) => ({
    data: await cpsInvoice(ctx, await byForeignId(ctx, req, req.params.foreignId)),
  });
  app.get('/api/v2/invoices/:foreignId', get);
  app.get('/api/v2/invoices/:foreignId/', get);

  const cancel = async (req: FastifyRequest<{ Params: { foreignId: string } }>) => {
    const inv = await byForeignId(ctx, req, req.params.foreignId);
    try {
      await cancelInvoice(ctx, inv);
    } catch (e) {
      // Only created, pending or processing invoices can be cancelled; confirmed and failed ones cannot.
      if (e instanceof KassaError && e.code === 'invalid_state')
        throw cpsInvalid('foreign_id', `The invoice cannot be cancelled: ${e.message}.`);
      throw e;
    }
    return { data: await cpsInvoice(ctx, await findInvoice(ctx, req.cpsAccountId, inv.id)) };
  };
  app.post('/api/v2/invoices/:foreignId/cancel', cancel);
  app.post('/api/v2/invoices/:foreignId/cancel/', cancel);
}
