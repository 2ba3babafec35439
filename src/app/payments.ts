/**
 * Recording payments: the PaymentLedger every watcher drives, and simulated
 * payments for test mode. Each change and its events commit in one transaction.
 */
import { cryptoCurrency } from '../domain/currencies.js';
import { invalid, invalidState, KassaError } from '../domain/errors.js';
import type { Invoice, Payment } from '../domain/invoice.js';
import { InvalidAmount, parseDecimal, toUnits } from '../domain/money.js';
import type { AppContext } from './context.js';
import { newId } from './ids.js';
import type { InvoiceView } from './invoice-view.js';
import type {
  ObservedTransfer,
  PaymentLedger,
  UnminedTransaction,
  WatchList,
} from './ports/chain.js';
import type { UnitOfWork } from './ports/store.js';
import { paymentFromTransfer } from './transfer-payment.js';
import { settle, type PendingEvent } from './settle.js';
import { viewOf } from './views.js';

/** Confirmations beyond this stop being tracked; far past every policy. */
const CONFIRMATION_CAP = 1000;

/** A change to one recorded payment and the events it makes. */
interface PaymentChange {
  readonly payment: Payment;
  readonly patch: Parameters<UnitOfWork['payments']['update']>[1];
  /** What the payment must still hold for the change to apply. */
  readonly expected: Parameters<UnitOfWork['payments']['update']>[3];
  readonly events: readonly PendingEvent[];
}

/** Where a transfer no quote matches goes (CryptoCloud static wallets); the invoice it made, or null. */
export interface UnmatchedTransfers {
  recordTransfer(uow: UnitOfWork, t: ObservedTransfer): Promise<string | null>;
}

export class PaymentRecorder implements PaymentLedger {
  constructor(
    private readonly ctx: AppContext,
    private readonly watchList?: WatchList,
    private readonly unmatched?: UnmatchedTransfers,
  ) {}

  private async quoteFor(uow: UnitOfWork, t: ObservedTransfer) {
    const hit = this.watchList?.lookup(t.chain, t.address);
    const candidates = await uow.quotes.byAddress(t.chain, hit?.address ?? t.address);
    return candidates.find((q) => q.currency === t.currency);
  }

  async recordTransfer(t: ObservedTransfer): Promise<void> {
    const now = this.ctx.clock.now();
    const changed = await this.ctx.store.transaction(async (uow) => {
      const existing = await uow.payments.byKey(t.chain, t.txid, t.index);
      if (existing) {
        const sameBlock =
          existing.blockHash === t.blockHash && existing.blockHeight === t.blockHeight;
        if (sameBlock && !existing.dropped) return null;
        const pending: PendingEvent[] = [];
        // A mempool transaction seen again in a block, or back after being dropped, counts again.
        const patch: Partial<Payment> = {
          blockHash: t.blockHash,
          blockHeight: t.blockHeight,
          dropped: false,
          ...(t.blockHeight === null ? { confirmations: 0 } : {}),
        };
        const expected = {
          blockHash: existing.blockHash,
          blockHeight: existing.blockHeight,
          dropped: existing.dropped,
        };
        // Another process recorded this change first: it also told of it.
        if (!(await uow.payments.update(existing.id, patch, now, expected))) return null;
        if (existing.dropped)
          pending.push({ type: 'payment.seen', payment: { ...existing, ...patch } });
        await settle(this.ctx, uow, existing.invoiceId, pending);
        return existing.invoiceId;
      }
      const quote = await this.quoteFor(uow, t);
      // No quote: maybe a CryptoCloud static wallet's address, where every payment makes its own invoice.
      if (!quote) return (await this.unmatched?.recordTransfer(uow, t)) ?? null;
      const payment = paymentFromTransfer(t, quote, now);
      if (!(await uow.payments.insertIfNew(payment))) return null;
      // A payment to an earlier quote's address makes that quote the one that counts.
      const active = await uow.quotes.active(quote.invoiceId);
      if (active?.id !== quote.id) {
        const paidActive =
          active &&
          (await uow.payments.forInvoice(quote.invoiceId)).some((p) => p.quoteId === active.id);
        if (!paidActive) {
          await uow.quotes.deactivate(quote.invoiceId);
          await uow.quotes.activate(quote.id);
        }
      }
      const pending: PendingEvent[] = [{ type: 'payment.seen', payment }];
      if (payment.confirmations >= quote.requiredConfirmations)
        pending.push({ type: 'payment.confirmed', payment });
      await settle(this.ctx, uow, quote.invoiceId, pending);
      return quote.invoiceId;
    });
    if (changed) this.ctx.onInvoiceChanged?.(changed);
  }

  async tipChanged(chain: string, height: number): Promise<void> {
    await this.changePayments(async (uow) => {
      const moved = (await uow.payments.mined(chain, CONFIRMATION_CAP))
        .map((p) => ({ p, confirmations: Math.max(0, height - (p.blockHeight ?? height) + 1) }))
        .filter(({ p, confirmations }) => confirmations !== p.confirmations);
      const quotes = await uow.quotes.byIds(moved.map(({ p }) => p.quoteId));
      const required = new Map(quotes.map((q) => [q.id, q.requiredConfirmations]));
      return moved.map(({ p, confirmations }): PaymentChange => {
        const req = required.get(p.quoteId) ?? 1;
        return {
          payment: p,
          patch: { confirmations },
          expected: { confirmations: p.confirmations, blockHeight: p.blockHeight },
          events:
            p.confirmations < req && confirmations >= req
              ? [{ type: 'payment.confirmed', payment: { ...p, confirmations } }]
              : [],
        };
      });
    });
  }

  async blocksDisconnected(chain: string, fromHeight: number): Promise<void> {
    const patch = { blockHash: null, blockHeight: null, confirmations: 0 };
    await this.changePayments(async (uow) =>
      (await uow.payments.minedFrom(chain, fromHeight)).map((p): PaymentChange => ({
        payment: p,
        patch,
        expected: { blockHash: p.blockHash, blockHeight: p.blockHeight },
        events: [{ type: 'payment.unconfirmed', payment: { ...p, ...patch } }],
      })),
    );
  }

  async transactionDropped(chain: string, txid: string): Promise<void> {
    await this.changePayments(async (uow) =>
      (await uow.payments.byTxid(chain, txid))
        // A mined payment is only undone by a reorg, never by a mempool report.
        .filter((p) => !p.dropped && p.blockHeight === null)
        .map((p): PaymentChange => ({
          payment: p,
          patch: { dropped: true },
          expected: { dropped: false, blockHeight: null },
          events: [{ type: 'payment.dropped', payment: { ...p, dropped: true } }],
        })),
    );
  }

  /**
   * In one transaction: apply each payment's change, then settle every invoice
   * whose payments changed with the events those changes make; then notify.
   */
  private async changePayments(
    changes: (uow: UnitOfWork) => Promise<readonly PaymentChange[]>,
  ): Promise<void> {
    const now = this.ctx.clock.now();
    const changed = await this.ctx.store.transaction(async (uow) => {
      const byInvoice = new Map<string, PendingEvent[]>();
      for (const { payment, patch, expected, events } of await changes(uow)) {
        // Another process made this change first: it also told of it.
        if (!(await uow.payments.update(payment.id, patch, now, expected))) continue;
        byInvoice.set(payment.invoiceId, [...(byInvoice.get(payment.invoiceId) ?? []), ...events]);
      }
      for (const [invoiceId, events] of byInvoice) await settle(this.ctx, uow, invoiceId, events);
      return [...byInvoice.keys()];
    });
    for (const id of changed) this.ctx.onInvoiceChanged?.(id);
  }

  unminedTransactions(chain: string): Promise<readonly UnminedTransaction[]> {
    return this.ctx.store.payments.unmined(chain);
  }
}

export interface TestPaymentInput {
  /** Crypto amount as a decimal string; default: what is still owed. */
  readonly amount?: string;
  /** Leave the payment unconfirmed (pending) until confirmed separately. */
  readonly confirmed?: boolean;
  /** Expire the invoice first, so the payment arrives late. */
  readonly late?: boolean;
}

/** Test mode: records a simulated payment on the built-in test chain. */
export async function recordTestPayment(
  ctx: AppContext,
  inv: Invoice,
  input: TestPaymentInput,
): Promise<{ invoice: InvoiceView; payment: Payment }> {
  if (!inv.testMode) throw invalidState('simulated payments are only for test-mode invoices');
  const quote = await ctx.store.quotes.active(inv.id);
  if (!quote) throw invalidState('choose a payment currency first');
  const currency = cryptoCurrency(quote.currency);
  if (!currency) throw new KassaError('invalid_state', 'unknown quote currency');
  let amount: bigint;
  try {
    amount =
      input.amount !== undefined
        ? toUnits(parseDecimal(input.amount, 18, currency.decimals), currency.decimals)
        : quote.amountDue > inv.receivedConfirmed
          ? quote.amountDue - inv.receivedConfirmed
          : quote.amountDue;
  } catch (e) {
    if (e instanceof InvalidAmount) throw invalid('amount', `amount ${e.message}`);
    throw e;
  }
  if (amount <= 0n) throw invalid('amount', 'amount must be greater than zero');
  if (input.late && inv.expiresAt === null && inv.cancelledAt === null) {
    throw invalid('late', 'a late payment needs an invoice with a timer');
  }
  const now = ctx.clock.now();
  const result = await ctx.store.transaction(async (uow) => {
    if (input.late && (inv.expiresAt === null || inv.expiresAt > now)) {
      await uow.invoices.setExpiresAt(inv.id, now - 1);
      await settle(ctx, uow, inv.id);
    }
    const confirmations = input.confirmed === false ? 0 : quote.requiredConfirmations;
    const payment: Payment = {
      id: newId('pay', now),
      invoiceId: inv.id,
      quoteId: quote.id,
      chain: 'test',
      txid: newId('testtx', now),
      outputIndex: 0,
      address: quote.address,
      amount,
      blockHash: confirmations > 0 ? `testblock-${now}` : null,
      blockHeight: confirmations > 0 ? 1 : null,
      confirmations,
      dropped: false,
      rbf: false,
      firstSeenAt: now,
    };
    await uow.payments.insertIfNew(payment);
    const events: PendingEvent[] = [{ type: 'payment.seen', payment }];
    if (confirmations > 0) events.push({ type: 'payment.confirmed', payment });
    const settled = await settle(ctx, uow, inv.id, events);
    return { invoice: viewOf(ctx, settled.invoice, settled.quote), payment };
  });
  ctx.onInvoiceChanged?.(inv.id);
  return result;
}

/** Test mode: confirms a simulated payment recorded unconfirmed. */
export async function confirmTestPayment(
  ctx: AppContext,
  inv: Invoice,
  paymentId: string,
): Promise<InvoiceView> {
  if (!inv.testMode) throw invalidState('simulated payments are only for test-mode invoices');
  const now = ctx.clock.now();
  const result = await ctx.store.transaction(async (uow) => {
    const payment = (await uow.payments.forInvoice(inv.id)).find((p) => p.id === paymentId);
    if (!payment) throw new KassaError('not_found', 'payment not found', 'payment_id');
    const quote = await uow.quotes.get(payment.quoteId);
    const req = quote?.requiredConfirmations ?? 1;
    if (payment.confirmations >= req) return settle(ctx, uow, inv.id);
    await uow.payments.update(
      payment.id,
      { confirmations: req, blockHash: `testblock-${now}`, blockHeight: 1 },
      now,
    );
    return settle(ctx, uow, inv.id, [
      { type: 'payment.confirmed', payment: { ...payment, confirmations: req } },
    ]);
  });
  ctx.onInvoiceChanged?.(inv.id);
  return viewOf(ctx, result.invoice, result.quote);
}
