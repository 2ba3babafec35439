import { cryptoCurrency } from '../domain/currencies.js';
import type { Invoice, Quote } from '../domain/invoice.js';
import type { AppContext } from './context.js';
import { invoiceView, type InvoiceView } from './invoice-view.js';

/** The chain family adapter that serves a quote (the test chain for test-mode quotes). */
export function familyOf(ctx: AppContext, quote: Pick<Quote, 'chain' | 'currency'>) {
  if (quote.chain === 'test') return ctx.chains.test;
  const c = cryptoCurrency(quote.currency);
  return c ? ctx.chains[c.family] : undefined;
}

/** The token contract on the configured network; undefined for native coins and unconfigured tokens. */
export function contractOf(ctx: AppContext, currency: string): string | undefined {
  return ctx.settings.tokenContracts[currency];
}

/** Wallet URI for what is still owed (the whole amount before anything arrives). */
export function paymentUri(
  ctx: AppContext,
  invoice: Invoice,
  quote: Quote,
  amount?: bigint,
): string | null {
  const currency = cryptoCurrency(quote.currency);
  const family = familyOf(ctx, quote);
  if (!currency || !family) return null;
  const owed =
    amount ??
    (invoice.receivedConfirmed < quote.amountDue
      ? quote.amountDue - invoice.receivedConfirmed
      : 0n);
  return family.paymentUri({
    currency,
    address: quote.address,
    amount: owed > 0n ? owed : quote.amountDue,
    label: invoice.orderId ?? `INV-${invoice.shortId}`,
    chainId: ctx.settings.evmChainId,
    contract: contractOf(ctx, quote.currency),
  });
}

export function viewOf(
  ctx: AppContext,
  invoice: Invoice,
  quote: Quote | null | undefined,
): InvoiceView {
  return invoiceView(invoice, quote ?? null, {
    publicUrl: ctx.settings.publicUrl,
    paymentUri: quote ? paymentUri(ctx, invoice, quote) : null,
  });
}
