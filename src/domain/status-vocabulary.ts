/**
 * How each callback format names an invoice's state (spec section 2, "How each
 * face names these"). Pure functions of the native status, context and resolution;
 * each maps every native status, so a new one does not compile until it is named.
 */
import type { InvoiceContext, InvoiceStatus, Resolution } from './invoice-status.js';

export interface InvoiceState {
  readonly status: InvoiceStatus;
  readonly context: InvoiceContext | null;
  readonly resolution: Resolution | null;
  /** Set when the merchant cancelled, as opposed to the timer running out. */
  readonly cancelled_at?: string | null;
}

export type CryptoCloudStatus = 'created' | 'partial' | 'paid' | 'overpaid' | 'canceled';

/**
 * Paid in CryptoCloud's sense: native `paid` or `overpaid`, or an unresolved
 * invoice the merchant or a rule completed. A late payment waits for that
 * decision and a refund undoes it. Shop handlers mark the order paid on the
 * postback, so it is sent exactly when this holds, and `info` says paid
 * exactly when it holds.
 */
export function isCryptoCloudPaid(s: InvoiceState): boolean {
  if (s.status === 'refunded' || s.resolution === 'refunded') return false;
  if (s.resolution === 'completed') return true;
  return (s.status === 'paid' || s.status === 'overpaid') && s.context !== 'paid_late';
}

/**
 * CryptoCloud's name of an invoice not paid in its sense. Covered but late
 * counts as partial: money arrived, the order waits for the merchant's decision.
 */
const CRYPTOCLOUD_UNPAID = {
  created: 'created',
  pending: 'created',
  partial: 'partial',
  paid: 'partial',
  overpaid: 'partial',
  canceled: 'canceled',
  refunded: 'canceled',
} as const satisfies Record<InvoiceStatus, CryptoCloudStatus>;

/** CryptoCloud has no pending state and no "unresolved": it names invoices by amount. */
export function cryptoCloudStatus(s: InvoiceState): CryptoCloudStatus {
  if (s.status === 'refunded' || s.resolution === 'refunded') return 'canceled';
  // CryptoCloud itself reports an accepted overpayment as "overpaid", a final success state.
  if (isCryptoCloudPaid(s)) return s.status === 'overpaid' ? 'overpaid' : 'paid';
  return CRYPTOCLOUD_UNPAID[s.status];
}

export type CryptopayStatus = 'new' | 'completed' | 'unresolved' | 'cancelled' | 'refunded';

export interface CryptopayState {
  readonly status: CryptopayStatus;
  readonly status_context: string | null;
}

/** The contexts Cryptopay itself names (its SDKs' `InvoiceStatusContext`). */
const CRYPTOPAY_CONTEXTS: readonly string[] = ['overpaid', 'underpaid', 'paid_late'];

export function cryptopayStatus(s: InvoiceState): CryptopayState {
  // A completed overpaid or late invoice keeps saying why it needed completing, as Cryptopay's does.
  if (s.resolution === 'completed')
    return {
      status: 'completed',
      status_context:
        s.context !== null && CRYPTOPAY_CONTEXTS.includes(s.context) ? s.context : null,
    };
  if (s.resolution === 'refunded') return { status: 'refunded', status_context: null };
  if (s.context !== null && s.status !== 'refunded' && s.status !== 'canceled')
    return { status: 'unresolved', status_context: s.context };
  switch (s.status) {
    case 'refunded':
      return { status: 'refunded', status_context: null };
    case 'canceled':
      return { status: 'cancelled', status_context: null };
    case 'paid':
      return { status: 'completed', status_context: null };
    // Overpaid without a context cannot come from the status function; name it as Cryptopay would.
    case 'overpaid':
      return { status: 'unresolved', status_context: 'overpaid' };
    case 'created':
    case 'pending':
    case 'partial':
      return { status: 'new', status_context: null };
  }
}

export type CoinsPaidStatus = 'created' | 'pending' | 'processing' | 'confirmed' | 'failed';

export interface CoinsPaidState {
  readonly status: CoinsPaidStatus;
  /** CoinsPaid's `error` text for failed invoices (its documented wording), else "". */
  readonly error: string;
}

/** The `error` texts of CoinsPaid's invoice callback docs, and Kassa's for cases they do not cover. */
export const COINSPAID_ERRORS = {
  expired: 'Timer expired. User not paid.',
  underpaid: 'Timer expired. User paid less than requested.',
  processingTooLong: 'Timer expired. Transactions were in status processing too long.',
  cancelled: 'Cancelled by customer',
  paidLate: 'Timer expired. User paid after the timer.',
  refunded: 'Refunded',
} as const;

/**
 * `confirming` tells CoinsPaid's "processing" (a payment has some confirmations)
 * from "pending" (seen with none).
 */
export function coinsPaidStatus(s: InvoiceState, confirming = false): CoinsPaidState {
  const failed = (error: string): CoinsPaidState => ({ status: 'failed', error });
  if (s.resolution === 'completed') return { status: 'confirmed', error: '' };
  if (s.status === 'refunded' || s.resolution === 'refunded')
    return failed(COINSPAID_ERRORS.refunded);
  if (s.status === 'canceled')
    return failed(s.cancelled_at ? COINSPAID_ERRORS.cancelled : COINSPAID_ERRORS.expired);
  if (s.context === 'paid_late') return failed(COINSPAID_ERRORS.paidLate);
  if (s.context === 'underpaid') return failed(COINSPAID_ERRORS.underpaid);
  if (s.status === 'paid' || s.status === 'overpaid') return { status: 'confirmed', error: '' };
  // CoinsPaid fails an invoice whose transaction stays processing for more than 24 hours.
  if (s.context === 'unconfirmed') return failed(COINSPAID_ERRORS.processingTooLong);
  switch (s.status) {
    case 'partial':
      return { status: 'pending', error: '' };
    case 'pending':
      return { status: confirming ? 'processing' : 'pending', error: '' };
    case 'created':
      return { status: 'created', error: '' };
  }
}
