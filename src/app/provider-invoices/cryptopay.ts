/** The invoice and its transactions as Cryptopay's API and callbacks name them. */
import { cryptopayStatus } from '../../domain/status-vocabulary.js';
import type { ShopView } from '../event-data.js';
import type { InvoiceView, PaymentView } from '../invoice-view.js';

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
