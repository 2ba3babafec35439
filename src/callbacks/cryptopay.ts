/**
 * Cryptopay-style callbacks: `{type: "Invoice", event, data}` where `event` is
 * transaction_created, transaction_confirmed or status_changed, signed with
 * `x-cryptopay-signature`, the hex HMAC-SHA256 of the raw body. The header
 * goes out in lower case: Cryptopay's PHP SDK looks it up exactly so.
 */
import { createHmac } from 'node:crypto';
import type { InvoiceView, PaymentView } from '../app/invoice-view.js';
import { STATE_EVENT_TYPES, TEST_EVENT_TYPE } from '../domain/events.js';
import {
  JSON_HEADERS,
  type ShopView,
  type CallbackFormat,
  type EventData,
  eventPayments,
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

/** Cryptopay's `InvoiceTransaction` (`txid`, optional `risk`, which Kassa does not score) plus Kassa's detail. */
export function cryptopayTransaction(p: PaymentView) {
  return {
    txid: p.txid,
    index: p.index,
    amount: p.amount,
    amount_units: p.amount_units,
    confirmations: p.confirmations,
    confirmed: p.confirmed,
  };
}

/** What the Cryptopay invoice says beyond the invoice itself; all optional. */
export interface CryptopayExtras {
  readonly payments?: readonly PaymentView[];
  readonly shop?: ShopView;
  readonly customer_id?: string | null;
  readonly name?: string | null;
}

/**
 * The invoice as Cryptopay's SDKs type `Invoice`, every field present. Amounts
 * are exact decimal strings, as Cryptopay's API sends them; the `*_units`,
 * `pending_*` and `remaining_*` fields are Kassa's additions.
 */
export function cryptopayInvoice(
  inv: InvoiceView,
  extras: CryptopayExtras = {},
): Record<string, unknown> {
  const q = inv.quote;
  const state = cryptopayStatus(inv);
  // Kassa is non-custodial and takes no processing fee.
  const feeCurrency = q?.currency ?? inv.currency;
  return {
    id: inv.id,
    custom_id: inv.order_id,
    customer_id: extras.customer_id ?? null,
    subscription_id: null,
    status: state.status,
    status_context: state.status_context,
    address: q?.address ?? null,
    network: q?.network ?? null,
    uri: q?.payment_uri ?? null,
    price_amount: inv.amount,
    price_currency: inv.currency,
    fee: '0',
    fee_currency: feeCurrency,
    pay_amount: q?.amount_due ?? null,
    pay_amount_units: q?.amount_due_units ?? null,
    pay_currency: q?.currency ?? null,
    paid_amount: inv.received,
    paid_amount_units: inv.received_units,
    pending_amount: inv.received_unconfirmed,
    pending_amount_units: inv.received_unconfirmed_units,
    remaining_amount: inv.remaining,
    remaining_amount_units: inv.remaining_units,
    exchange: q
      ? { pair: `${q.currency}${inv.currency}`, rate: q.rate, fee: '0', fee_currency: feeCurrency }
      : null,
    transactions: (extras.payments ?? []).filter((p) => !p.dropped).map(cryptopayTransaction),
    name: extras.name ?? null,
    description: inv.description,
    metadata: inv.metadata,
    success_redirect_url: extras.shop?.success_url ?? null,
    unsuccess_redirect_url: extras.shop?.fail_url ?? null,
    hosted_page_url: inv.link,
    created_at: inv.created_at,
    expires_at: inv.expires_at,
  };
}

/** The invoice of an event: every payment the event knows of, the shop's redirects. */
function eventInvoice(data: EventData) {
  return cryptopayInvoice(data.invoice, {
    payments: eventPayments(data),
    ...(data.shop ? { shop: data.shop } : {}),
  });
}

export const cryptopayFormat: CallbackFormat = {
  name: 'cryptopay',
  defaultEvents: ['payment.seen', 'payment.confirmed', ...STATE_EVENT_TYPES],
  wants: (e) => cryptopayEventName(e.type) !== undefined,
  async render(event, ctx) {
    const body = JSON.stringify({
      type: 'Invoice',
      event: cryptopayEventName(event.type) ?? 'status_changed',
      data: eventInvoice(event.data),
    });
    const secret = ctx.secrets[0] ?? '';
    const signature = createHmac('sha256', secret).update(body).digest('hex');
    return { headers: { ...JSON_HEADERS, 'x-cryptopay-signature': signature }, body };
  },
};
