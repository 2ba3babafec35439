/**
 * Cryptopay-style callbacks: `{type: "Invoice", event, data}` where `event` is
 * transaction_created, transaction_confirmed or status_changed, signed with
 * `X-Cryptopay-Signature`, the hex HMAC-SHA256 of the raw body.
 */
import { createHmac } from 'node:crypto';
import type { PaymentView } from '../app/invoice-view.js';
import {
  JSON_HEADERS,
  STATE_EVENT_TYPES,
  TEST_EVENT_TYPE,
  type CallbackFormat,
  type EventData,
} from './format.js';
import { cryptopayStatus } from '../domain/status-vocabulary.js';

const EVENT_NAMES: Record<string, string> = {
  'payment.seen': 'transaction_created',
  'payment.confirmed': 'transaction_confirmed',
  [TEST_EVENT_TYPE]: 'status_changed',
};
for (const t of STATE_EVENT_TYPES) EVENT_NAMES[t] = 'status_changed';

export function cryptopayEventName(type: string): string | undefined {
  return EVENT_NAMES[type];
}

function transaction(p: PaymentView) {
  return {
    txid: p.txid,
    index: p.index,
    amount: p.amount,
    amount_units: p.amount_units,
    confirmations: p.confirmations,
    confirmed: p.confirmed,
    risk: null,
  };
}

/** The invoice in Cryptopay's words; amounts are exact decimal strings. */
export function cryptopayInvoice(data: EventData): Record<string, unknown> {
  const inv = data.invoice;
  const q = inv.quote;
  const state = cryptopayStatus(inv);
  return {
    id: inv.id,
    custom_id: inv.order_id,
    status: state.status,
    status_context: state.status_context,
    address: q?.address ?? null,
    network: q?.network ?? null,
    uri: q?.payment_uri ?? null,
    price_amount: inv.amount,
    price_currency: inv.currency,
    pay_amount: q?.amount_due ?? null,
    pay_amount_units: q?.amount_due_units ?? null,
    pay_currency: q?.currency ?? null,
    paid_amount: inv.received,
    paid_amount_units: inv.received_units,
    pending_amount: inv.received_unconfirmed,
    pending_amount_units: inv.received_unconfirmed_units,
    remaining_amount: inv.remaining,
    remaining_amount_units: inv.remaining_units,
    exchange: q ? { pair: `${q.currency}${inv.currency}`, rate: q.rate } : null,
    transactions: data.payment ? [transaction(data.payment)] : [],
    description: inv.description,
    metadata: inv.metadata,
    hosted_page_url: inv.link,
    expires_at: inv.expires_at,
    created_at: inv.created_at,
  };
}

export const cryptopayFormat: CallbackFormat = {
  name: 'cryptopay',
  defaultEvents: ['payment.seen', 'payment.confirmed', ...STATE_EVENT_TYPES],
  wants: (e) => cryptopayEventName(e.type) !== undefined,
  async render(event, ctx) {
    const body = JSON.stringify({
      type: 'Invoice',
      event: cryptopayEventName(event.type) ?? 'status_changed',
      data: cryptopayInvoice(event.data),
    });
    const secret = ctx.secrets[0] ?? '';
    const signature = createHmac('sha256', secret).update(body).digest('hex');
    return { headers: { ...JSON_HEADERS, 'x-cryptopay-signature': signature }, body };
  },
};
