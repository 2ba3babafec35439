/**
 * Which screen the customer sees: one per state of the invoice, each with its
 * own next step. A pure function of the public invoice view and the time.
 */
import type { InvoiceView } from '../../app/invoice-view.js';

export type Screen =
  | 'choose'
  | 'waiting'
  | 'seen'
  | 'partial'
  | 'paid'
  | 'overpaid'
  | 'expired'
  | 'underpaid'
  | 'paid_late'
  | 'cancelled'
  | 'refunded';

type ScreenFacts = Pick<
  InvoiceView,
  'status' | 'context' | 'resolution' | 'quote' | 'expires_at' | 'cancelled_at'
>;

export function screenOf(v: ScreenFacts, now: number): Screen {
  if (v.status === 'refunded') return 'refunded';
  // The merchant accepting a late or short payment makes it paid for the customer.
  const accepted = v.resolution === 'completed';
  if (v.context === 'paid_late') return accepted ? 'paid' : 'paid_late';
  if (v.context === 'underpaid') return accepted ? 'paid' : 'underpaid';
  if (v.status === 'paid') return 'paid';
  if (v.status === 'overpaid') return 'overpaid';
  if (v.status === 'partial') return 'partial';
  if (v.status === 'pending') return 'seen';
  if (v.cancelled_at !== null) return 'cancelled';
  const expired = v.expires_at !== null && now >= Date.parse(v.expires_at);
  if (v.status === 'canceled' || expired) return 'expired';
  return v.quote ? 'waiting' : 'choose';
}

/** Screens on which a payment is still asked for (address, QR and countdown are shown). */
export function isOpenScreen(s: Screen): boolean {
  return s === 'choose' || s === 'waiting' || s === 'seen' || s === 'partial';
}

/** Nothing more will change for the customer: live updates stop. */
export function isFinalScreen(s: Screen): boolean {
  return s === 'paid' || s === 'overpaid' || s === 'refunded';
}
