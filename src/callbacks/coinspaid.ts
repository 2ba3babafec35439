/**
 * CoinsPaid-style callbacks: the invoice callback of CoinsPaid's API v2 docs,
 * field for field and type for type, signed with `X-Processing-Signature` (hex
 * HMAC-SHA512 of the raw body) beside `X-Processing-Key` (the endpoint's public
 * key id). What CoinsPaid does not document sits in `x_kassa`.
 */
import { createHmac } from 'node:crypto';
import { eventPayments } from '../app/event-data.js';
import { coinsPaidInvoice } from '../app/provider-invoices/coinspaid.js';
import { coinsPaidProcessingKey, STATE_EVENT_TYPES, TEST_EVENT_TYPE } from '../domain/events.js';
import { JSON_HEADERS, type CallbackFormat } from './format.js';

const EVENTS = ['payment.seen', 'payment.confirmed', ...STATE_EVENT_TYPES, TEST_EVENT_TYPE];

export const coinsPaidFormat: CallbackFormat = {
  name: 'coinspaid',
  defaultEvents: ['payment.seen', 'payment.confirmed', ...STATE_EVENT_TYPES],
  wants: (e) => EVENTS.includes(e.type),
  async render(event, ctx) {
    const body = JSON.stringify(
      coinsPaidInvoice(event.data.invoice, eventPayments(event.data), event.type),
    );
    const secret = ctx.secrets[0] ?? '';
    const signature = createHmac('sha512', secret).update(body).digest('hex');
    // CoinsPaid's own spelling: some PHP handlers look the headers up case-sensitively.
    return {
      headers: {
        ...JSON_HEADERS,
        'X-Processing-Key': coinsPaidProcessingKey(ctx.endpointId ?? ''),
        'X-Processing-Signature': signature,
      },
      body,
    };
  },
};
