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

export function cryptopayStatus(s: InvoiceState): CryptopayState {
  if (s.resolution === 'completed') return { status: 'completed', status_context: null };
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
  /** CoinsPaid's `error` text for failed invoices, else "". */
  readonly error: string;
}

/**
 * `confirming` tells CoinsPaid's "processing" (a payment has some confirmations)
 * from "pending" (seen with none).
 */
export function coinsPaidStatus(s: InvoiceState, confirming = false): CoinsPaidState {
  if (s.resolution === 'completed') return { status: 'confirmed', error: '' };
  if (s.status === 'refunded' || s.resolution === 'refunded')
    return { status: 'failed', error: 'Refunded' };
  if (s.status === 'canceled')
    return { status: 'failed', error: s.cancelled_at ? 'Cancelled' : 'Timer expired' };
  if (s.context === 'paid_late') return { status: 'failed', error: 'expired' };
  if (s.context === 'underpaid') return { status: 'failed', error: 'underpaid' };
  if (s.status === 'paid' || s.status === 'overpaid') return { status: 'confirmed', error: '' };
  // CoinsPaid fails an invoice whose transaction stays processing for more than 24 hours.
  if (s.context === 'unconfirmed')
    return { status: 'failed', error: 'Transaction is processing for more than 24 hours' };
  if (s.status === 'partial') return { status: 'pending', error: '' };
  if (s.status === 'pending') return { status: confirming ? 'processing' : 'pending', error: '' };
  return { status: 'created', error: '' };
}
