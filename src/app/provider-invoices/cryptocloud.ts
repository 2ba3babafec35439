/** The invoice as CryptoCloud's postback describes it, and CryptoCloud's way of writing times. */
import { cryptoCurrency } from '../../domain/currencies.js';
import { decimalNumber } from '../../domain/exact-json.js';
import { cryptoCloudStatus, isCryptoCloudPaid } from '../../domain/status-vocabulary.js';
import type { InvoiceView } from '../invoice-view.js';
import { projectNumber } from '../project-number.js';

/** CryptoCloud writes times as "2023-01-01 12:00:00.000000" (UTC). */
export function ccTime(iso: string | null): string | null {
  if (iso === null) return null;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${iso.slice(20, 23)}000`;
}

export function shortInvoiceId(invoice: InvoiceView): string {
  return invoice.uuid.startsWith('INV-') ? invoice.uuid.slice(4) : invoice.uuid;
}

const ZERO = decimalNumber('0');

/** What every CryptoCloud invoice shape says from creation on: identity, times, price, state. */
export function cryptoCloudTerms(invoice: InvoiceView) {
  return {
    uuid: invoice.uuid,
    created: ccTime(invoice.created_at),
    address: invoice.quote?.address ?? '',
    expiry_date: ccTime(invoice.expires_at),
    side_commission: 'client',
    side_commission_cc: 'client',
    type_payments: 'crypto',
    amount_in_fiat: decimalNumber(invoice.amount),
    fiat_currency: invoice.currency,
    status: cryptoCloudStatus(invoice),
    is_email_required: false,
    link: invoice.link,
    test_mode: invoice.test_mode,
  };
}

/** What CryptoCloud's invoice info and postback add: what was received and the state CMS modules check. */
export function cryptoCloudProgress(invoice: InvoiceView) {
  const paid = isCryptoCloudPaid(invoice);
  const status = cryptoCloudStatus(invoice);
  return {
    amount_in_crypto: invoice.quote ? decimalNumber(invoice.quote.amount_due) : null,
    amount_paid: decimalNumber(invoice.received),
    received: decimalNumber(invoice.received),
    to_surcharge: decimalNumber(invoice.remaining),
    // What CryptoCloud CMS modules check: "success" once paid.
    invoice_status: paid ? 'success' : status,
    date_finished: paid ? ccTime(invoice.updated_at) : null,
    // A static wallet's payments carry the customer's `identify` as order_id.
    order_id: invoice.order_id ?? invoice.metadata?.identify ?? null,
    type: 'up',
  };
}

/**
 * The invoice as CryptoCloud's postback describes it: documented amounts are JSON
 * numbers written from the exact values; Kassa's exact strings (`*_units`,
 * `received_unconfirmed`, `remaining`) and native state sit beside them. USD
 * values need a rate, so they are present only for invoices priced in USD.
 */
export function cryptoCloudInvoice(invoice: InvoiceView): Record<string, unknown> {
  const q = invoice.quote;
  const c = q ? cryptoCurrency(q.currency) : undefined;
  const due = q ? decimalNumber(q.amount_due) : null;
  return {
    ...cryptoCloudTerms(invoice),
    ...cryptoCloudProgress(invoice),
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
    amount: due,
    amount_to_pay: due,
    ...(invoice.currency === 'USD' ? { amount_usd: decimalNumber(invoice.amount) } : {}),
    fee: ZERO,
    fee_usd: ZERO,
    service_fee: ZERO,
    service_fee_usd: ZERO,
    project: { id: projectNumber(invoice.shop_id), shop_id: invoice.shop_id },
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
