/** The invoice and its transactions as CoinsPaid's API and callbacks name them. */
import { createHash } from 'node:crypto';
import { coinsPaidStatus } from '../../domain/status-vocabulary.js';
import type { InvoiceView, PaymentView } from '../invoice-view.js';

/**
 * CoinsPaid ids are integers. Kassa's are strings, so each object gets a stable
 * positive integer derived from its id: the first 53 bits of its SHA-256, the
 * largest integer every JSON client (JavaScript included) reads exactly.
 */
export function coinsPaidNumericId(id: string): number {
  const h = createHash('sha256').update(id).digest();
  return Number(h.readBigUInt64BE(0) >> 11n) || 1;
}

const unixSeconds = (iso: string | null | undefined): number | null =>
  iso ? Math.floor(Date.parse(iso) / 1000) : null;

/** One entry of `transactions[]`; CoinsPaid types `confirmations` as a string. */
export function coinsPaidTransaction(p: PaymentView) {
  return {
    id: coinsPaidNumericId(p.id),
    currency: p.currency,
    transaction_type: 'blockchain',
    type: 'deposit',
    address: p.address,
    tag: null,
    amount: p.amount,
    txid: p.txid,
    confirmations: String(p.confirmations),
    x_kassa: {
      payment_id: p.id,
      index: p.index,
      amount_units: p.amount_units,
      required_confirmations: p.required_confirmations,
      confirmed: p.confirmed,
      dropped: p.dropped,
    },
  };
}

/**
 * The invoice as CoinsPaid's invoice callback (and invoice object) names it.
 * Amounts are exact decimal strings, times unix seconds.
 */
export function coinsPaidInvoice(
  inv: InvoiceView,
  payments: readonly PaymentView[],
  event?: string,
): Record<string, unknown> {
  const q = inv.quote;
  const live = payments.filter((p) => !p.dropped);
  const confirming = live.some((p) => !p.confirmed && p.confirmations > 0);
  const state = coinsPaidStatus(inv, confirming);
  return {
    id: coinsPaidNumericId(inv.id),
    foreign_id: inv.order_id,
    type: 'invoice',
    crypto_address: q
      ? {
          id: coinsPaidNumericId(`${q.currency}:${q.address}`),
          currency: q.currency,
          ...(q.currency !== inv.currency ? { convert_to: inv.currency } : {}),
          address: q.address,
          tag: null,
        }
      : null,
    currency_sent: q
      ? { currency: q.currency, amount: q.amount_due, remaining_amount: inv.remaining }
      : null,
    currency_received: { currency: inv.currency, amount: inv.amount },
    transactions: live.map(coinsPaidTransaction),
    // Kassa is non-custodial: nothing is deducted from what the customer sends.
    fees: [],
    error: state.error,
    status: state.status,
    fixed_at: unixSeconds(q?.fixed_at),
    expires_at: unixSeconds(inv.expires_at),
    x_kassa: {
      ...(event ? { event } : {}),
      invoice_id: inv.id,
      uuid: inv.uuid,
      status: inv.status,
      context: inv.context,
      resolution: inv.resolution,
      url: inv.link,
      description: inv.description,
      amount_due: q?.amount_due ?? null,
      amount_due_units: q?.amount_due_units ?? null,
      received: inv.received,
      received_units: inv.received_units,
      received_unconfirmed: inv.received_unconfirmed,
      received_unconfirmed_units: inv.received_unconfirmed_units,
      remaining: inv.remaining,
      remaining_units: inv.remaining_units,
      rate: q?.rate ?? null,
      created_at: unixSeconds(inv.created_at),
    },
  };
}
