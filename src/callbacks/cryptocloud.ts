/**
 * CryptoCloud-compatible postback: POSTed once, when an invoice becomes paid in
 * CryptoCloud's sense (see isCryptoCloudPaid), as JSON or form fields, with an HS256 JWT `token` signed by the
 * project's secret key (claims `id` and `exp`), exactly what CryptoCloud
 * integrations already verify.
 */
import type { EventData } from '../app/event-data.js';
import { cryptoCloudInvoice, shortInvoiceId } from '../app/provider-invoices/cryptocloud.js';
import { decimalNumber, stringifyExact } from '../domain/exact-json.js';
import { STATE_EVENT_TYPES, TEST_EVENT_TYPE } from '../domain/events.js';
import { JSON_HEADERS, type CallbackFormat } from './format.js';
import { isCryptoCloudPaid } from '../domain/status-vocabulary.js';

const TOKEN_LIFETIME_SECONDS = 300;

export async function postbackToken(
  shortId: string,
  secretKey: string,
  now: number,
): Promise<string> {
  // jose loads with the first postback, not at start.
  const { SignJWT } = await import('jose');
  return new SignJWT({ id: shortId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setExpirationTime(Math.floor(now / 1000) + TOKEN_LIFETIME_SECONDS)
    .sign(new TextEncoder().encode(secretKey));
}

/** Shop handlers mark the order paid on any postback: only a paid invoice makes one. */
function wantsPostback(type: string, data: EventData): boolean {
  if (type === TEST_EVENT_TYPE) return true;
  return STATE_EVENT_TYPES.includes(type) && isCryptoCloudPaid(data.invoice);
}

export const cryptoCloudFormat: CallbackFormat = {
  name: 'cryptocloud',
  defaultEvents: ['invoice.status_changed', 'invoice.resolved'],
  wants: (e) => wantsPostback(e.type, e.data),
  // Paid, then overpaid by a top-up or paid again after a reorg: the shop heard "success" already.
  oncePerInvoice: true,
  async render(event, ctx) {
    const invoice = event.data.invoice;
    const id = shortInvoiceId(invoice);
    const info = cryptoCloudInvoice(invoice);
    const orderId = invoice.order_id ?? invoice.metadata?.identify ?? '';
    const token = await postbackToken(id, ctx.projectSecretKey, ctx.now);
    const currency = invoice.quote?.currency ?? '';
    if (ctx.contentType === 'form') {
      const form = new URLSearchParams({
        status: 'success',
        invoice_id: id,
        amount_crypto: decimalNumber(invoice.received).text,
        currency,
        order_id: orderId,
        token,
        invoice_info: stringifyExact(info),
      });
      return {
        headers: { ...JSON_HEADERS, 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      };
    }
    return {
      headers: { ...JSON_HEADERS },
      body: stringifyExact({
        status: 'success',
        invoice_id: id,
        amount_crypto: decimalNumber(invoice.received),
        currency,
        order_id: orderId,
        token,
        invoice_info: info,
      }),
    };
  },
};
