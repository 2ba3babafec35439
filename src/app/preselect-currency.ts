/**
 * CryptoCloud's legacy v1 create answers the payment currency and its amount at
 * once, so such an invoice gets a quote in the project's first payable currency
 * (CryptoCloud's order); the customer can still switch on the payment page.
 */
import { cryptoCurrency } from '../domain/currencies.js';
import type { AppContext } from './context.js';
import type { InvoiceView } from './invoice-view.js';
import { chooseCurrency, findInvoice, invoiceDetails } from './invoices.js';
import { payableCurrencies } from './quotes.js';

export async function preselectCurrency(
  ctx: AppContext,
  accountId: string,
  view: InvoiceView,
): Promise<InvoiceView> {
  if (view.quote) return view;
  const inv = await findInvoice(ctx, accountId, view.id);
  const project = await ctx.store.projects.get(inv.projectId);
  if (!project) return view;
  const order = (code: string) => cryptoCurrency(code)?.order ?? Number.MAX_SAFE_INTEGER;
  const [first] = payableCurrencies(ctx, project, inv).sort((a, b) => order(a) - order(b));
  if (first === undefined || inv.status !== 'created') return invoiceDetails(ctx, inv);
  return chooseCurrency(ctx, inv, first);
}
