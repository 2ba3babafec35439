/**
 * How each callback format names an invoice's state (spec section 2, "How each
 * face names these"). Pure functions of the native status, context and resolution.
 */

export interface InvoiceState {
  readonly status: string;
  readonly context: string | null;
  readonly resolution: string | null;
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

/** CryptoCloud has no pending state and no "unresolved": it names invoices by amount. */
export function cryptoCloudStatus(s: InvoiceState): CryptoCloudStatus {
  if (s.status === 'refunded' || s.resolution === 'refunded') return 'canceled';
  // CryptoCloud itself reports an accepted overpayment as "overpaid", a final success state.
  if (isCryptoCloudPaid(s)) return s.status === 'overpaid' ? 'overpaid' : 'paid';
  // Covered but late counts as partial: money arrived, the order waits for the merchant's decision.
  switch (s.status) {
    case 'partial':
    case 'paid':
    case 'overpaid':
      return 'partial';
    case 'canceled':
      return 'canceled';
    default:
      return 'created';
  }
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
  if (s.status === 'refunded' || s.resolution === 'refunded')
    return { status: 'refunded', status_context: null };
  if (s.status === 'canceled') return { status: 'cancelled', status_context: null };
  if (s.context !== null) return { status: 'unresolved', status_context: s.context };
  if (s.status === 'paid') return { status: 'completed', status_context: null };
  // Overpaid without a context cannot come from the status function; name it as Cryptopay would.
  if (s.status === 'overpaid') return { status: 'unresolved', status_context: 'overpaid' };
  return { status: 'new', status_context: null };
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
  if (s.status === 'partial') return { status: 'pending', error: '' };
  if (s.status === 'pending') return { status: confirming ? 'processing' : 'pending', error: '' };
  return { status: 'created', error: '' };
}
