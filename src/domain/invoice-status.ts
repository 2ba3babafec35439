/**
 * The invoice status: a pure function of the invoice's terms, its payments with
 * their confirmations, the time, the project's rules and manual resolutions.
 * It is stored only as a cache; this function is the truth.
 */
import { parseDecimal, percentOf } from './money.js';
import type { ProjectRules } from './rules.js';

export type InvoiceStatus =
  'created' | 'pending' | 'partial' | 'paid' | 'overpaid' | 'canceled' | 'refunded';
export type InvoiceContext = 'underpaid' | 'overpaid' | 'paid_late' | 'unconfirmed';
export type Resolution = 'completed' | 'refunded';

export const INVOICE_STATUSES: readonly InvoiceStatus[] = [
  'created',
  'pending',
  'partial',
  'paid',
  'overpaid',
  'canceled',
  'refunded',
];

/** A payment still unconfirmed this long after it was seen needs a decision. */
export const UNCONFIRMED_AFTER_MS = 24 * 60 * 60 * 1000;

export interface PaymentFacts {
  /** Unique per payment: chain, txid and output or log index. Listed again, the last record counts. */
  readonly key: string;
  readonly amount: bigint;
  readonly confirmations: number;
  /** Replaced, double-spent or dropped from the mempool: no longer counts. */
  readonly dropped: boolean;
  readonly firstSeenAt: number;
}

export interface StatusInput {
  /** Crypto amount due of the invoice's quote; null while no currency is chosen. */
  readonly amountDue: bigint | null;
  readonly requiredConfirmations: number;
  readonly expiresAt: number | null;
  readonly cancelledAt: number | null;
  readonly payments: readonly PaymentFacts[];
  readonly rules: ProjectRules;
  /** The merchant's recorded decision, if any. */
  readonly manualResolution: Resolution | null;
  readonly now: number;
}

export interface StatusResult {
  readonly status: InvoiceStatus;
  readonly context: InvoiceContext | null;
  readonly resolution: Resolution | null;
  readonly confirmed: bigint;
  readonly unconfirmed: bigint;
  /** What is still owed for the invoice to count as paid (0 when covered). */
  readonly remaining: bigint;
  /** True once the timer ran out or the merchant cancelled. */
  readonly closed: boolean;
}

export function invoiceStatus(input: StatusInput): StatusResult {
  const { amountDue, rules, now } = input;
  const closesAt = Math.min(input.expiresAt ?? Infinity, input.cancelledAt ?? Infinity);
  const closed = now >= closesAt;

  // One payment per key; a later record of it (more confirmations, dropped) supersedes earlier ones.
  const unique = new Map<string, PaymentFacts>();
  for (const p of input.payments) unique.set(p.key, p);
  const live = [...unique.values()].filter((p) => !p.dropped && p.amount > 0n);

  let confirmed = 0n;
  let unconfirmed = 0n;
  let late = false;
  let stale = false;
  for (const p of live) {
    if (p.confirmations >= input.requiredConfirmations) confirmed += p.amount;
    else {
      unconfirmed += p.amount;
      if (now - p.firstSeenAt >= UNCONFIRMED_AFTER_MS) stale = true;
    }
    if (p.firstSeenAt >= closesAt) late = true;
  }
  // A merchant's cancel is a decision too: anything that still arrives needs another one.
  if (input.cancelledAt !== null && live.length > 0) late = true;

  let status: InvoiceStatus;
  let remaining = 0n;
  if (amountDue === null || confirmed === 0n) {
    status = unconfirmed > 0n ? 'pending' : closed ? 'canceled' : 'created';
    remaining = amountDue ?? 0n;
  } else {
    const under = percentOf(amountDue, parseDecimal(rules.underpaidTolerancePercent));
    const over = percentOf(amountDue, parseDecimal(rules.overpaidTolerancePercent));
    if (confirmed < amountDue - under) {
      status = 'partial';
      remaining = amountDue - confirmed;
    } else if (confirmed > amountDue + over) status = 'overpaid';
    else status = 'paid';
  }

  let context: InvoiceContext | null = null;
  if (late) context = 'paid_late';
  else if (closed && status === 'partial') context = 'underpaid';
  else if (status === 'overpaid') context = 'overpaid';
  else if (stale) context = 'unconfirmed';

  let resolution: Resolution | null = input.manualResolution;
  if (resolution === null && context !== null) {
    if (context === 'overpaid' && rules.overpaidAction === 'accept') resolution = 'completed';
    if (
      context === 'paid_late' &&
      rules.latePaymentAction === 'accept' &&
      (status === 'paid' || status === 'overpaid')
    )
      resolution = 'completed';
    if (context === 'underpaid' && rules.expiredPartialAction === 'accept')
      resolution = 'completed';
  }
  if (resolution === 'refunded') status = 'refunded';

  return { status, context, resolution, confirmed, unconfirmed, remaining, closed };
}

/** An invoice needs the merchant's decision while it has a context and no resolution. */
export function isUnresolved(r: Pick<StatusResult, 'context' | 'resolution'>): boolean {
  return r.context !== null && r.resolution === null;
}

/** The merchant may cancel while nothing is confirmed, once. */
export function canCancel(i: { status: InvoiceStatus; cancelledAt: number | null }): boolean {
  return i.cancelledAt === null && (i.status === 'created' || i.status === 'pending');
}

/** The merchant may accept an invoice as completed while it waits for their decision. */
export function canComplete(r: Pick<StatusResult, 'context' | 'resolution'>): boolean {
  return isUnresolved(r);
}

/** A refund can be recorded once something arrived, unless the invoice is refunded already. */
export function canRecordRefund(
  r: Pick<StatusResult, 'status'> & { receivedConfirmed: bigint; receivedUnconfirmed: bigint },
): boolean {
  return r.status !== 'refunded' && (r.receivedConfirmed > 0n || r.receivedUnconfirmed > 0n);
}

/** Open invoices can still receive a first payment on time. */
export function isOpen(r: Pick<StatusResult, 'status' | 'closed'>): boolean {
  return !r.closed && (r.status === 'created' || r.status === 'pending' || r.status === 'partial');
}
