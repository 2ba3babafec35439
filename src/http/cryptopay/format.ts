/** An invoice as Cryptopay's API answers it: the callback's invoice object, with every transaction. */
import { invoiceDetails, invoicePayments } from '../../app/invoices.js';
import type { AppContext } from '../../app/context.js';
import { paymentView } from '../../app/invoice-view.js';
import type { Invoice } from '../../domain/invoice.js';
import { cryptopayInvoice } from '../../callbacks/cryptopay.js';

export async function cpInvoice(ctx: AppContext, inv: Invoice): Promise<Record<string, unknown>> {
  const view = await invoiceDetails(ctx, inv);
  const { payments, quotes } = await invoicePayments(ctx, inv);
  const quoteOf = new Map(quotes.map((q) => [q.id, q]));
  const transactions = payments.flatMap((p) => {
    const q = quoteOf.get(p.quoteId);
    const pv = paymentView(p, q?.currency ?? '', q?.requiredConfirmations ?? 1);
    return cryptopayInvoice({ invoice: view, payment: pv }).transactions as unknown[];
  });
  return { ...cryptopayInvoice({ invoice: view }), transactions };
}
