/**
 * The native, public shape of an invoice and a payment. Events carry these
 * snapshots, so every callback format and face formats from the same exact values.
 */
import { cryptoCurrency } from '../domain/currencies.js';
import type { Invoice, Payment, Quote } from '../domain/invoice.js';
import type { InvoiceContext, InvoiceStatus, Resolution } from '../domain/invoice-status.js';
import { formatUnits } from '../domain/money.js';

export interface QuoteView {
  currency: string;
  network: string;
  address: string;
  /** Crypto amount due as an exact decimal string, and in smallest units. */
  amount_due: string;
  amount_due_units: string;
  rate: string;
  rate_source: string;
  fixed_at: string;
  required_confirmations: number;
  payment_uri: string | null;
}

export interface InvoiceView {
  id: string;
  uuid: string;
  shop_id: string;
  order_id: string | null;
  status: InvoiceStatus;
  context: InvoiceContext | null;
  resolution: Resolution | null;
  /** The price, exact decimal string, in `currency`. */
  amount: string;
  currency: string;
  quote: QuoteView | null;
  /** Received amounts in the quote's currency, exact decimal strings and smallest units. */
  received: string;
  received_units: string;
  received_unconfirmed: string;
  received_unconfirmed_units: string;
  remaining: string;
  remaining_units: string;
  email: string | null;
  description: string | null;
  metadata: Record<string, string> | null;
  locale: string;
  test_mode: boolean;
  link: string;
  expires_at: string | null;
  cancelled_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface PaymentView {
  id: string;
  currency: string;
  chain: string;
  txid: string;
  index: number;
  address: string;
  amount: string;
  amount_units: string;
  confirmations: number;
  required_confirmations: number;
  confirmed: boolean;
  dropped: boolean;
  rbf: boolean;
  block_hash: string | null;
  block_height: number | null;
  first_seen_at: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function invoiceView(
  invoice: Invoice,
  quote: Quote | null,
  opts: { publicUrl: string; paymentUri?: string | null },
): InvoiceView {
  const decimals = quote ? (cryptoCurrency(quote.currency)?.decimals ?? 0) : 0;
  const due = quote?.amountDue ?? 0n;
  const remaining = quote && invoice.receivedConfirmed < due ? due - invoice.receivedConfirmed : 0n;
  return {
    id: invoice.id,
    uuid: `INV-${invoice.shortId}`,
    shop_id: invoice.projectId,
    order_id: invoice.orderId,
    status: invoice.status,
    context: invoice.context,
    resolution: invoice.resolution,
    amount: invoice.amount,
    currency: invoice.priceCurrency,
    quote: quote
      ? {
          currency: quote.currency,
          network: cryptoCurrency(quote.currency)?.network.code ?? quote.chain,
          address: quote.address,
          amount_due: formatUnits(quote.amountDue, decimals),
          amount_due_units: quote.amountDue.toString(),
          rate: quote.rate,
          rate_source: quote.rateSource,
          fixed_at: new Date(quote.fixedAt).toISOString(),
          required_confirmations: quote.requiredConfirmations,
          payment_uri: opts.paymentUri ?? null,
        }
      : null,
    received: formatUnits(invoice.receivedConfirmed, decimals),
    received_units: invoice.receivedConfirmed.toString(),
    received_unconfirmed: formatUnits(invoice.receivedUnconfirmed, decimals),
    received_unconfirmed_units: invoice.receivedUnconfirmed.toString(),
    remaining: formatUnits(remaining, decimals),
    remaining_units: remaining.toString(),
    email: invoice.email,
    description: invoice.description,
    metadata: invoice.metadata ? { ...invoice.metadata } : null,
    locale: invoice.locale,
    test_mode: invoice.testMode,
    link: `${opts.publicUrl}/pay/${invoice.id}`,
    expires_at: iso(invoice.expiresAt),
    cancelled_at: iso(invoice.cancelledAt),
    created_at: new Date(invoice.createdAt).toISOString(),
    updated_at: new Date(invoice.updatedAt).toISOString(),
  };
}

export function paymentView(
  p: Payment,
  currency: string,
  requiredConfirmations: number,
): PaymentView {
  const decimals = cryptoCurrency(currency)?.decimals ?? 0;
  return {
    id: p.id,
    currency,
    chain: p.chain,
    txid: p.txid,
    index: p.outputIndex,
    address: p.address,
    amount: formatUnits(p.amount, decimals),
    amount_units: p.amount.toString(),
    confirmations: p.confirmations,
    required_confirmations: requiredConfirmations,
    confirmed: !p.dropped && p.confirmations >= requiredConfirmations,
    dropped: p.dropped,
    rbf: p.rbf,
    block_hash: p.blockHash,
    block_height: p.blockHeight,
    first_seen_at: new Date(p.firstSeenAt).toISOString(),
  };
}
