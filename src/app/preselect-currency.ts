/**
 * CryptoCloud names a payment currency on every invoice, even before the
 * customer chose one (its address stays empty until then): the project's first
 * payable currency in CryptoCloud's order. Its legacy v1 create also answers the
 * amount in it, so such an invoice gets that quote at once; the customer can
 * still switch on the payment page.
 */
import { cryptoCurrency } from '../domain/currencies.js';
import type { AppContext } from './context.js';
import type { InvoiceView } from './invoice-view.js';
import { chooseCurrency, findInvoice, invoiceDetails } from './invoices.js';
import { payableCurrencies } from './quotes.js';

/** The invoice's payment currency, or the one CryptoCloud would show before the choice. */
export async function shownCurrency(
  ctx: AppContext,
  view: InvoiceView,
): Promise<string | undefined> {
  if (view.quote) return view.quote.currency;
  const inv = await findInvoice(ctx, null, view.id);
  const project = await ctx.store.projects.get(inv.projectId);
  if (!project) return undefined;
  const order = (code: string) => cryptoCurrency(code)?.order ?? Number.MAX_SAFE_INTEGER;
  return payableCurrencies(ctx, project, inv).sort((a, b) => order(a) - order(b))[0];
}

export async function preselectCurrency(
  ctx: AppContext,
  accountId: string,
  view: InvoiceView,
): Promise<InvoiceView> {
  if (view.quote) return view;
  const inv = await findInvoice(ctx, accountId, view.id);
  const first = await shownCurrency(ctx, view);
  if (first === undefined || inv.status !== 'created') return invoiceDetails(ctx, inv);
  return chooseCurrency(ctx, inv, first);
}
