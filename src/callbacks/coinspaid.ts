/**
 * CoinsPaid-style callbacks: the invoice in CoinsPaid's words, signed with
 * `X-Processing-Signature`, the hex HMAC-SHA512 of the raw body.
 */
import { createHmac } from 'node:crypto';
import {
  JSON_HEADERS,
  STATE_EVENT_TYPES,
  TEST_EVENT_TYPE,
  type CallbackFormat,
  type EventData,
} from './format.js';
import { coinsPaidStatus } from '../domain/status-vocabulary.js';

/** The invoice as CoinsPaid names it; amounts are exact decimal strings. */
export function coinsPaidInvoice(type: string, data: EventData): Record<string, unknown> {
  const inv = data.invoice;
  const q = inv.quote;
  const p = data.payment;
  const confirming = p !== undefined && !p.confirmed && p.confirmations > 0;
  const state = coinsPaidStatus(inv, confirming);
  return {
    id: inv.id,
    foreign_id: inv.order_id,
    type: 'invoice',
    event: type,
    status: state.status,
    error: state.error,
    timer: inv.expires_at !== null,
    url: inv.link,
    title: null,
    description: inv.description,
    currency: inv.currency,
    amount: inv.amount,
    sender_currency: q?.currency ?? null,
    sender_amount: q?.amount_due ?? null,
    sender_amount_units: q?.amount_due_units ?? null,
    received_amount: inv.received,
    received_amount_units: inv.received_units,
    pending_amount: inv.received_unconfirmed,
    pending_amount_units: inv.received_unconfirmed_units,
    remaining_amount: inv.remaining,
    remaining_amount_units: inv.remaining_units,
    address: q?.address ?? null,
    fixed_at: q?.fixed_at ?? null,
    expires_at: inv.expires_at,
    transactions: p
      ? [
          {
            id: p.id,
            currency: p.currency,
            transaction_type: 'blockchain',
            type: 'deposit',
            address: p.address,
            txid: p.txid,
            amount: p.amount,
            amount_units: p.amount_units,
            confirmations: p.confirmations,
            status: p.dropped ? 'cancelled' : p.confirmed ? 'confirmed' : 'not_confirmed',
          },
        ]
      : [],
    native: { status: inv.status, context: inv.context, resolution: inv.resolution },
  };
}

const EVENTS = ['payment.seen', 'payment.confirmed', ...STATE_EVENT_TYPES, TEST_EVENT_TYPE];

export const coinsPaidFormat: CallbackFormat = {
  name: 'coinspaid',
  defaultEvents: ['payment.seen', 'payment.confirmed', ...STATE_EVENT_TYPES],
  wants: (e) => EVENTS.includes(e.type),
  async render(event, ctx) {
    const body = JSON.stringify(coinsPaidInvoice(event.type, event.data));
    const secret = ctx.secrets[0] ?? '';
    const signature = createHmac('sha512', secret).update(body).digest('hex');
    return { headers: { ...JSON_HEADERS, 'x-processing-signature': signature }, body };
  },
};
