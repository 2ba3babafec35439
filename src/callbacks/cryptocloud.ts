/**
 * CryptoCloud-compatible postback: POSTed once, when an invoice becomes paid in
 * CryptoCloud's sense (see isCryptoCloudPaid), as JSON or form fields, with an HS256 JWT `token` signed by the
 * project's secret key (claims `id` and `exp`), exactly what CryptoCloud
 * integrations already verify.
 */
import type { InvoiceView } from '../app/invoice-view.js';
import { projectNumber } from '../app/project-number.js';
import { decimalNumber, stringifyExact } from '../domain/exact-json.js';
import { cryptoCurrency } from '../domain/currencies.js';
import { STATE_EVENT_TYPES, TEST_EVENT_TYPE } from '../domain/events.js';
import { JSON_HEADERS, type CallbackFormat, type EventData } from './format.js';
import { cryptoCloudStatus, isCryptoCloudPaid } from '../domain/status-vocabulary.js';

const TOKEN_LIFETIME_SECONDS = 300;

/** CryptoCloud writes times as "2023-01-01 12:00:00.000000" (UTC). */
function ccTime(iso: string | null): string | null {
  if (iso === null) return null;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${iso.slice(20, 23)}000`;
}

export function shortInvoiceId(invoice: InvoiceView): string {
  return invoice.uuid.startsWith('INV-') ? invoice.uuid.slice(4) : invoice.uuid;
}

const ZERO = decimalNumber('0');

/**
 * The invoice as CryptoCloud's postback describes it: documented amounts are JSON
 * numbers written from the exact values; Kassa's exact strings (`*_units`,
 * `received_unconfirmed`, `remaining`) and native state sit beside them. USD
 * values need a rate, so they are present only for invoices priced in USD.
 */
export function cryptoCloudInvoice(invoice: InvoiceView): Record<string, unknown> {
  const q = invoice.quote;
  const c = q ? cryptoCurrency(q.currency) : undefined;
  const status = cryptoCloudStatus(invoice);
  const paid = isCryptoCloudPaid(invoice);
  const inUsd = invoice.currency === 'USD';
  const due = q ? decimalNumber(q.amount_due) : null;
  return {
    uuid: invoice.uuid,
    created: ccTime(invoice.created_at),
    address: q?.address ?? '',
    currency: c
      ? {
          id: c.id,
          code: c.symbol,
          fullcode: c.code,
          network: { code: c.network.code, id: c.network.id, fullname: c.network.fullname },
          name: c.name,
          is_email_required: false,
          stablecoin: c.stablecoin,
          order: c.order,
        }
      : null,
    date_finished: paid ? ccTime(invoice.updated_at) : null,
    expiry_date: ccTime(invoice.expires_at),
    side_commission: 'client',
    side_commission_cc: 'client',
    type_payments: 'crypto',
    amount: due,
    amount_in_crypto: due,
    amount_to_pay: due,
    amount_in_fiat: decimalNumber(invoice.amount),
    fiat_currency: invoice.currency,
    ...(inUsd ? { amount_usd: decimalNumber(invoice.amount) } : {}),
    amount_paid: decimalNumber(invoice.received),
    received: decimalNumber(invoice.received),
    to_surcharge: decimalNumber(invoice.remaining),
    fee: ZERO,
    fee_usd: ZERO,
    service_fee: ZERO,
    service_fee_usd: ZERO,
    status,
    // What CryptoCloud CMS modules check: "success" once paid.
    invoice_status: paid ? 'success' : status,
    is_email_required: false,
    // A static wallet's payments carry the customer's `identify` as order_id.
    order_id: invoice.order_id ?? invoice.metadata?.identify ?? null,
    project: { id: projectNumber(invoice.shop_id), shop_id: invoice.shop_id },
    link: invoice.link,
    test_mode: invoice.test_mode,
    type: 'up',
    amount_units: q?.amount_due_units ?? null,
    received_units: invoice.received_units,
    received_unconfirmed: invoice.received_unconfirmed,
    received_unconfirmed_units: invoice.received_unconfirmed_units,
    remaining: invoice.remaining,
    remaining_units: invoice.remaining_units,
    native_status: invoice.status,
    context: invoice.context,
    resolution: invoice.resolution,
  };
}

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
