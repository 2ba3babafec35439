/** An invoice as Cryptopay's API answers it: the callback's invoice object, with every transaction. */
import type { AppContext } from '../../app/context.js';
import { paymentView } from '../../app/invoice-view.js';
import { invoiceDetails, invoicePayments } from '../../app/invoices.js';
import { cryptopayInvoice } from '../../app/provider-invoices/cryptopay.js';
import type { Invoice } from '../../domain/invoice.js';

export async function cpInvoice(ctx: AppContext, inv: Invoice): Promise<Record<string, unknown>> {
  const view = await invoiceDetails(ctx, inv);
  const { payments, quotes } = await invoicePayments(ctx, inv);
  const quoteOf = new Map(quotes.map((q) => [q.id, q]));
  const project = await ctx.store.projects.get(inv.projectId);
  return cryptopayInvoice(view, {
    payments: payments.map((p) => {
      const q = quoteOf.get(p.quoteId);
      return paymentView(p, q?.currency ?? '', q?.requiredConfirmations ?? 1);
    }),
    ...(project
      ? { shop: { name: project.name, success_url: project.successUrl, fail_url: project.failUrl } }
      : {}),
  });
}
