/**
 * Cryptopay's invoice refunds. Kassa never holds funds: creating one records
 * that the merchant refunds the whole received amount to `address` from their
 * own wallet (the native refund use case); listing shows what was recorded.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { invoiceRefunds, recordRefund } from '../../app/decisions.js';
import { invoiceDetails } from '../../app/invoices.js';
import { cryptoCurrency } from '../../domain/currencies.js';
import type { Invoice, Refund } from '../../domain/invoice.js';
import { formatUnits } from '../../domain/money.js';
import { cpInvalid } from './errors.js';
import { ownInvoice } from './invoices.js';
import { CRYPTOPAY_NETWORK, parseRefund } from './schemas.js';

function refundView(inv: Invoice, r: Refund) {
  const c = r.currency ? cryptoCurrency(r.currency) : undefined;
  return {
    id: r.id,
    invoice_id: inv.id,
    custom_id: inv.orderId,
    amount: r.amount,
    amount_currency: r.currency,
    fee: '0',
    fee_currency: r.currency,
    address: r.address,
    network: c ? (CRYPTOPAY_NETWORK[c.network.code] ?? null) : null,
    txid: r.txid,
    risk: null,
    created_at: new Date(r.createdAt).toISOString(),
  };
}

export function refundRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Params: { id: string } }>('/api/invoices/:id/refunds', async (req, reply) => {
    const { address: given } = parseRefund(req.body);
    const inv = await ownInvoice(ctx, req, req.params.id);
    const view = await invoiceDetails(ctx, inv);
    if (!view.quote)
      throw cpInvalid('invoice_id', 'nothing was paid on this invoice', 'invalid_state');
    // Without an address, the one the customer asked for on the payment page.
    const requested = (await invoiceRefunds(ctx, inv))
      .filter((r) => r.source === 'customer')
      .at(-1);
    const address = given ?? requested?.address;
    if (!address) throw cpInvalid('address', 'is required', 'required');
    const received = BigInt(view.received_units) + BigInt(view.received_unconfirmed_units);
    if (received === 0n)
      throw cpInvalid('invoice_id', 'nothing was received on this invoice', 'invalid_state');
    await recordRefund(ctx, inv, {
      amount: formatUnits(received, cryptoCurrency(view.quote.currency)?.decimals ?? 0),
      currency: view.quote.currency,
      address,
    });
    const refunds = await invoiceRefunds(ctx, inv);
    const mine = refunds.filter((r) => r.source === 'merchant').at(-1)!;
    return reply.status(201).send({ data: refundView(inv, mine) });
  });

  app.get<{ Params: { id: string } }>('/api/invoices/:id/refunds', async (req) => {
    const inv = await ownInvoice(ctx, req, req.params.id);
    const refunds = (await invoiceRefunds(ctx, inv)).filter((r) => r.source === 'merchant');
    return { data: refunds.map((r) => refundView(inv, r)) };
  });
}
