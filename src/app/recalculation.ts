/**
 * Recalculating an expired invoice: a customer who missed the timer gets the
 * same address again, priced at the current rate, with a fresh timer. Only an invoice that expired with nothing received and was
 * not cancelled by the merchant qualifies; one with a late or short payment is
 * resolved instead (complete or refund).
 */
import { cryptoCurrency } from '../domain/currencies.js';
import { invalidState, notFound } from '../domain/errors.js';
import type { Invoice, LockedRate, Quote } from '../domain/invoice.js';
import { formatUnits, parseDecimal, parseExact, priceToUnits } from '../domain/money.js';
import type { AppContext } from './context.js';
import { newId } from './ids.js';
import type { InvoiceView } from './invoice-view.js';
import { settle } from './settle.js';
import { viewOf } from './views.js';

/** How long a proposed recalculation may be committed at its rate. */
export const RECALCULATION_VALID_MS = 10 * 60 * 1000;

export interface RecalculationProposal {
  readonly invoiceId: string;
  readonly currency: string;
  readonly rate: LockedRate;
  /** Exact decimal strings in `currency`. */
  readonly amountDue: string;
  readonly previousAmountDue: string;
  readonly previousRate: string;
}

function refuseUnlessRecalculable(inv: Invoice, quote: Quote | undefined, now: number): Quote {
  if (!quote) throw invalidState('the invoice has no payment currency to recalculate');
  if (inv.expiresAt === null || now < inv.expiresAt)
    throw invalidState('only an expired invoice can be recalculated');
  if (inv.cancelledAt !== null) throw invalidState('a cancelled invoice cannot be recalculated');
  if (inv.resolution !== null) throw invalidState(`the invoice is already ${inv.resolution}`);
  if (inv.receivedConfirmed > 0n || inv.receivedUnconfirmed > 0n)
    throw invalidState('a payment was received: complete or refund the invoice instead');
  return quote;
}

function amountDue(inv: Invoice, currency: string, rate: string): bigint {
  const c = cryptoCurrency(currency);
  if (!c) throw invalidState(`unknown payment currency ${currency}`);
  return priceToUnits(parseDecimal(inv.amount), parseExact(rate), c.decimals);
}

/** The current-rate price of an expired invoice, without changing it. */
export async function proposeRecalculation(
  ctx: AppContext,
  inv: Invoice,
): Promise<RecalculationProposal> {
  const quote = refuseUnlessRecalculable(
    inv,
    await ctx.store.quotes.active(inv.id),
    ctx.clock.now(),
  );
  const r = await ctx.rates.rate(quote.currency, inv.priceCurrency);
  const rate: LockedRate = { rate: r.rate, source: r.source, fixedAt: ctx.clock.now() };
  const decimals = cryptoCurrency(quote.currency)?.decimals ?? 0;
  return {
    invoiceId: inv.id,
    currency: quote.currency,
    rate,
    amountDue: formatUnits(amountDue(inv, quote.currency, rate.rate), decimals),
    previousAmountDue: formatUnits(quote.amountDue, decimals),
    previousRate: quote.rate,
  };
}

/** Applies a proposal made within RECALCULATION_VALID_MS: new quote on the same address, `timerMs` from now. */
export async function recalculateInvoice(
  ctx: AppContext,
  inv: Invoice,
  rate: LockedRate,
  timerMs: number,
): Promise<InvoiceView> {
  const now = ctx.clock.now();
  if (now - rate.fixedAt > RECALCULATION_VALID_MS || rate.fixedAt > now)
    throw invalidState('the recalculation has expired; create a new one');
  const result = await ctx.store.transaction(async (uow) => {
    const locked = await uow.invoices.lock(inv.id);
    if (!locked) throw notFound('invoice');
    const current = (await settle(ctx, uow, inv.id)).invoice;
    const old = refuseUnlessRecalculable(current, await uow.quotes.active(inv.id), now);
    await uow.invoices.setExpiresAt(inv.id, now + timerMs);
    await uow.quotes.deactivate(inv.id);
    // The same address: whatever the customer already copied still pays this invoice.
    await uow.quotes.insert({
      ...old,
      id: newId('quo', now),
      amountDue: amountDue(current, old.currency, rate.rate),
      rate: rate.rate,
      rateSource: rate.source,
      fixedAt: now,
      active: true,
    });
    return settle(ctx, uow, inv.id, [{ type: 'invoice.quote_fixed' }]);
  });
  ctx.onInvoiceChanged?.(inv.id);
  return viewOf(ctx, result.invoice, result.quote);
}
