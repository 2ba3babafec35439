/**
 * An invoice as CoinsPaid's v2 API answers it (create, get, cancel), read off
 * the CoinsPaid callback's invoice object so both carry the same id, status
 * and error text.
 */
import type { AppContext } from '../../app/context.js';
import { paymentView } from '../../app/invoice-view.js';
import { invoiceDetails, invoicePayments } from '../../app/invoices.js';
import { coinsPaidInvoice } from '../../app/provider-invoices/coinspaid.js';
import type { Invoice } from '../../domain/invoice.js';

interface CallbackShape {
  id: number;
  foreign_id: string | null;
  crypto_address: { currency: string; address: string } | null;
  currency_sent: { amount: string } | null;
  currency_received: { currency: string; amount: string };
  transactions: unknown[];
  error: string;
  status: string;
  fixed_at: number | null;
  expires_at: number | null;
  x_kassa: { url: string; received: string };
}

export async function cpsInvoice(ctx: AppContext, inv: Invoice): Promise<Record<string, unknown>> {
  const view = await invoiceDetails(ctx, inv);
  const { payments, quotes } = await invoicePayments(ctx, inv);
  const quoteOf = new Map(quotes.map((q) => [q.id, q]));
  const c = coinsPaidInvoice(
    view,
    payments.map((p) => {
      const q = quoteOf.get(p.quoteId);
      return paymentView(p, q?.currency ?? '', q?.requiredConfirmations ?? 1);
    }),
  ) as unknown as CallbackShape;
  const releaseAt = c.expires_at;
  const now = Math.floor(ctx.clock.now() / 1000);
  return {
    id: c.id,
    url: c.x_kassa.url,
    foreign_id: c.foreign_id,
    address: c.crypto_address?.address ?? null,
    title: inv.metadata?.title ?? inv.description,
    description: inv.description,
    status: c.status,
    error: c.error,
    currency: c.currency_received.currency,
    amount: c.currency_received.amount,
    sender_currency: c.crypto_address?.currency ?? null,
    sender_amount: c.currency_sent?.amount ?? null,
    received_amount: c.x_kassa.received,
    transactions: c.transactions,
    // A timer invoice fixes its rates at creation; one without fixes them at the customer's choice.
    fixed_at: c.fixed_at ?? (releaseAt !== null ? Math.floor(inv.createdAt / 1000) : null),
    release_at: releaseAt,
    seconds_left: releaseAt === null ? null : Math.max(0, releaseAt - now),
  };
}
