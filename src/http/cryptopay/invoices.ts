/** Cryptopay's invoice endpoints: create, retrieve (by id or custom_id), list. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { countInvoices, createInvoice, findInvoice, listInvoices } from '../../app/invoices.js';
import { KassaError } from '../../domain/errors.js';
import type { Invoice } from '../../domain/invoice.js';
import { cpInvalid, cpNotFound, CryptopayError } from './errors.js';
import { cpInvoice } from './format.js';
import { parseCreate } from './schemas.js';

/** Cryptopay invoices are priced for 10 minutes. */
export const CRYPTOPAY_TTL_SECONDS = 10 * 60;
export const PAGE_SIZE = 25;

/** The invoice of the key's project, or a 404: unknown and anyone else's look the same. */
export async function ownInvoice(
  ctx: AppContext,
  req: FastifyRequest,
  id: string,
): Promise<Invoice> {
  try {
    const inv = await findInvoice(ctx, req.cpAccountId, id);
    if (inv.projectId !== req.cpShopId) throw cpNotFound();
    return inv;
  } catch (e) {
    if (e instanceof KassaError && e.code === 'not_found') throw cpNotFound();
    throw e;
  }
}

export function invoiceRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/invoices', async (req, reply) => {
    const r = parseCreate(req.body);
    let result;
    try {
      result = await createInvoice(ctx, {
        accountId: req.cpAccountId,
        shopId: req.cpShopId,
        amount: r.amount,
        currency: r.priceCurrency,
        paymentCurrency: r.payCurrency,
        expiresInSeconds: CRYPTOPAY_TTL_SECONDS,
        ...(r.customId !== undefined ? { orderId: r.customId } : {}),
        ...(r.description !== undefined ? { description: r.description } : {}),
        ...(r.email !== undefined ? { email: r.email } : {}),
        ...(r.metadata !== undefined ? { metadata: r.metadata } : {}),
      });
    } catch (e) {
      if (e instanceof KassaError && e.code === 'conflict' && e.field === 'order_id')
        throw new CryptopayError(409, 'duplicate_custom_id', 'duplicate custom id');
      if (e instanceof KassaError && e.field === 'payment_currency')
        throw cpInvalid('pay_currency', e.message, e.code);
      if (e instanceof KassaError && e.field === 'currency')
        throw cpInvalid('price_currency', e.message, e.code);
      if (e instanceof KassaError && e.field === 'amount')
        throw cpInvalid('price_amount', e.message, e.code);
      throw e;
    }
    // Cryptopay refuses a custom_id used before, even for the same terms.
    if (!result.created)
      throw new CryptopayError(409, 'duplicate_custom_id', 'duplicate custom id');
    const inv = await findInvoice(ctx, req.cpAccountId, result.invoice.id);
    return reply.status(201).send({ data: await cpInvoice(ctx, inv) });
  });

  app.get<{ Params: { customId: string } }>('/api/invoices/custom_id/:customId', async (req) => {
    const { items } = await listInvoices(ctx, {
      accountId: req.cpAccountId,
      projectId: req.cpShopId,
      orderId: req.params.customId,
      limit: 1,
    });
    if (!items[0]) throw cpNotFound();
    return { data: await cpInvoice(ctx, await ownInvoice(ctx, req, items[0].id)) };
  });

  app.get<{ Params: { id: string } }>('/api/invoices/:id', async (req) => ({
    data: await cpInvoice(ctx, await ownInvoice(ctx, req, req.params.id)),
  }));

  app.get<{ Querystring: Record<string, string | undefined> }>('/api/invoices', async (req) => {
    const q = req.query;
    for (const k of Object.keys(q)) {
      if (!['starting_after', 'customer_id', 'subscription_id'].includes(k))
        throw cpInvalid(k, 'unknown parameter', 'unknown');
    }
    // Kassa keeps no customers or subscriptions: such filters match nothing.
    if (q.customer_id || q.subscription_id)
      return { data: [], meta: { total: 0, has_more: false } };
    let before: { createdAt: number; id: string } | undefined;
    if (q.starting_after !== undefined) {
      if (typeof q.starting_after !== 'string' || q.starting_after === '')
        throw cpInvalid('starting_after', 'must be an invoice id', 'must_be_uuid');
      let after: Invoice;
      try {
        after = await ownInvoice(ctx, req, q.starting_after);
      } catch (e) {
        if (e instanceof CryptopayError && e.status === 404)
          throw cpInvalid('starting_after', 'no such invoice', 'invalid');
        throw e;
      }
      before = { createdAt: after.createdAt, id: after.id };
    }
    const filter = { accountId: req.cpAccountId, projectId: req.cpShopId };
    const { items } = await listInvoices(ctx, {
      ...filter,
      limit: PAGE_SIZE + 1,
      ...(before ? { before } : {}),
    });
    const total = await countInvoices(ctx, { ...filter, limit: 1 });
    const page = items.slice(0, PAGE_SIZE);
    const data = [];
    for (const v of page) data.push(await cpInvoice(ctx, await ownInvoice(ctx, req, v.id)));
    return { data, meta: { total, has_more: items.length > PAGE_SIZE } };
  });
}
