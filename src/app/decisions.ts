/** The merchant's and the customer's decisions on an invoice: cancel, complete, refund. */
import { cryptoCurrency } from '../domain/currencies.js';
import { invalid, invalidState, KassaError, notFound } from '../domain/errors.js';
import type { Invoice, Refund } from '../domain/invoice.js';
import { canCancel, canComplete, canRecordRefund, isUnresolved } from '../domain/invoice-status.js';
import { InvalidAmount, isZero, parseDecimal } from '../domain/money.js';
import type { AppContext } from './context.js';
import { newId } from './ids.js';
import type { InvoiceView } from './invoice-view.js';
import { settle } from './settle.js';
import { viewOf } from './views.js';

/** Cancel: allowed while nothing is confirmed. Later payments become `paid_late`. */
export async function cancelInvoice(ctx: AppContext, inv: Invoice): Promise<InvoiceView> {
  const result = await ctx.store.transaction(async (uow) => {
    const locked = await uow.invoices.lock(inv.id);
    if (!locked) throw notFound('invoice');
    const before = await settle(ctx, uow, inv.id);
    const status = before.invoice.status;
    if (!canCancel({ status, cancelledAt: locked.cancelledAt }))
      throw invalidState(
        locked.cancelledAt !== null
          ? 'the invoice is already cancelled'
          : `an invoice that is ${status} cannot be cancelled`,
      );
    await uow.invoices.setCancelled(inv.id, ctx.clock.now());
    return settle(ctx, uow, inv.id, [{ type: 'invoice.canceled' }]);
  });
  ctx.onInvoiceChanged?.(inv.id);
  return viewOf(ctx, result.invoice, result.quote);
}

/** The merchant's decision on an unresolved invoice: accept it as completed. */
export async function completeInvoice(ctx: AppContext, inv: Invoice): Promise<InvoiceView> {
  const result = await ctx.store.transaction(async (uow) => {
    const current = (await settle(ctx, uow, inv.id)).invoice;
    if (!canComplete(current))
      throw invalidState(
        current.resolution !== null
          ? `the invoice is already ${current.resolution}`
          : 'only an unresolved invoice can be marked completed',
      );
    await uow.invoices.setManualResolution(inv.id, 'completed', ctx.clock.now());
    return settle(ctx, uow, inv.id);
  });
  ctx.onInvoiceChanged?.(inv.id);
  return viewOf(ctx, result.invoice, result.quote);
}

export interface RefundInput {
  readonly amount: string;
  readonly currency: string;
  readonly address: string;
  readonly txid?: string;
}

/** The merchant records a refund they paid (or will pay) from their own wallet. */
export async function recordRefund(
  ctx: AppContext,
  inv: Invoice,
  input: RefundInput,
): Promise<InvoiceView> {
  const currency = cryptoCurrency(input.currency.toUpperCase());
  if (!currency) throw invalid('currency', `unknown currency ${input.currency}`);
  try {
    const d = parseDecimal(input.amount, 18, currency.decimals);
    if (isZero(d)) throw invalid('amount', 'amount must be greater than zero');
  } catch (e) {
    if (e instanceof InvalidAmount) throw invalid('amount', `amount ${e.message}`);
    throw e;
  }
  const result = await ctx.store.transaction(async (uow) => {
    const current = (await settle(ctx, uow, inv.id)).invoice;
    if (!canRecordRefund(current))
      throw invalidState(
        current.status === 'refunded'
          ? 'the invoice is already refunded'
          : 'nothing was received on this invoice',
      );
    const refund: Refund = {
      id: newId('ref', ctx.clock.now()),
      invoiceId: inv.id,
      source: 'merchant',
      amount: input.amount,
      currency: currency.code,
      address: input.address,
      txid: input.txid ?? null,
      createdAt: ctx.clock.now(),
    };
    await uow.refunds.insert(refund);
    await uow.invoices.setManualResolution(inv.id, 'refunded', ctx.clock.now());
    return settle(ctx, uow, inv.id);
  });
  ctx.onInvoiceChanged?.(inv.id);
  return viewOf(ctx, result.invoice, result.quote);
}

/** Distinct refund addresses a customer may give per invoice (room to correct a typo, no more). */
export const MAX_CUSTOMER_REFUND_REQUESTS = 3;

/**
 * The customer asks for a refund of an unresolved invoice from the payment page.
 * Asking again for the same address returns the first request (no new row, no
 * new callback); anyone holding the pay link can post, so requests are capped.
 */
export async function requestRefund(
  ctx: AppContext,
  inv: Invoice,
  address: string,
): Promise<Refund> {
  const quote = await ctx.store.quotes.active(inv.id);
  if (!quote) throw invalidState('nothing was paid on this invoice');
  const currency = cryptoCurrency(quote.currency);
  const family = ctx.chains[quote.chain === 'test' ? 'test' : (currency?.family ?? 'test')];
  const network = ctx.settings.networks[currency?.chain ?? ''] ?? 'mainnet';
  if (!currency || !family?.isValidAddress(address, currency, network)) {
    throw invalid('address', `not a valid ${currency?.network.fullname ?? ''} address`);
  }
  return ctx.store.transaction(async (uow) => {
    const current = (await settle(ctx, uow, inv.id)).invoice;
    if (!isUnresolved(current))
      throw invalidState('a refund can be requested only for an unresolved invoice');
    const earlier = (await uow.refunds.forInvoice(inv.id)).filter((r) => r.source === 'customer');
    const same = earlier.find((r) => r.address === address && r.currency === currency.code);
    if (same) return same;
    if (earlier.length >= MAX_CUSTOMER_REFUND_REQUESTS) {
      throw new KassaError(
        'rate_limited',
        `at most ${MAX_CUSTOMER_REFUND_REQUESTS} refund requests per invoice`,
        'address',
      );
    }
    const refund: Refund = {
      id: newId('ref', ctx.clock.now()),
      invoiceId: inv.id,
      source: 'customer',
      amount: null,
      currency: currency.code,
      address,
      txid: null,
      createdAt: ctx.clock.now(),
    };
    await uow.refunds.insert(refund);
    await settle(ctx, uow, inv.id, [
      { type: 'invoice.refund_requested', extra: { address, currency: currency.code } },
    ]);
    return refund;
  });
}

export async function invoiceRefunds(ctx: AppContext, inv: Invoice): Promise<Refund[]> {
  return ctx.store.refunds.forInvoice(inv.id);
}
