/**
 * Cryptopay-style callbacks: `{type: "Invoice", event, data}` where `event` is
 * transaction_created, transaction_confirmed or status_changed, signed with
 * `x-cryptopay-signature`, the hex HMAC-SHA256 of the raw body. The header
 * goes out in lower case: Cryptopay's PHP SDK looks it up exactly so.
 */
import { createHmac } from 'node:crypto';
import { eventPayments, type EventData } from '../app/event-data.js';
import { cryptopayInvoice } from '../app/provider-invoices/cryptopay.js';
import { STATE_EVENT_TYPES, TEST_EVENT_TYPE } from '../domain/events.js';
import { JSON_HEADERS, type CallbackFormat } from './format.js';

const EVENT_NAMES: Record<string, string> = {
  'payment.seen': 'transaction_created',
  'payment.confirmed': 'transaction_confirmed',
  [TEST_EVENT_TYPE]: 'status_changed',
};
for (const t of STATE_EVENT_TYPES) EVENT_NAMES[t] = 'status_changed';

export function cryptopayEventName(type: string): string | undefined {
  return EVENT_NAMES[type];
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
