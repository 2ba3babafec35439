/**
 * Everything one payment page shows, loaded through the use cases by the long
 * invoice id only, and the public JSON state the live updates send.
 */
import { createHash } from 'node:crypto';
import type { AppContext } from '../../app/context.js';
import type { InvoiceView } from '../../app/invoice-view.js';
import { findInvoice, invoiceDetails, invoicePayments, projectOf } from '../../app/invoices.js';
import { invoiceRefunds } from '../../app/decisions.js';
import { payableCurrencies } from '../../app/quotes.js';
import { cryptoCurrency, type CryptoCurrency } from '../../domain/currencies.js';
import { notFound } from '../../domain/errors.js';
import type { Invoice, Refund } from '../../domain/invoice.js';
import { isFinalScreen, screenOf, type Screen } from './screen.js';

/** `inv_` and 26 base32 characters (128 random bits); short ids are refused. */
const INVOICE_ID = /^inv_[a-z2-7]{26}$/;

export function isPublicInvoiceId(id: string): boolean {
  return INVOICE_ID.test(id);
}

export interface ShopFace {
  readonly name: string;
  readonly logoUrl: string | null;
  readonly successUrl: string | null;
  readonly failUrl: string | null;
}

export interface PageData {
  readonly invoice: Invoice;
  readonly view: InvoiceView;
  readonly shop: ShopFace;
  readonly screen: Screen;
  /** Currencies offered on the choose screen, in catalog order. */
  readonly payable: readonly CryptoCurrency[];
  /** Confirmations of the least confirmed payment still waiting, if any. */
  readonly confirmations: number | null;
  readonly refunds: readonly Refund[];
  readonly now: number;
}

/** Looks an invoice up for the public page: the long id only, 404 for anything else. */
export async function publicInvoice(ctx: AppContext, id: string): Promise<Invoice> {
  if (!isPublicInvoiceId(id)) throw notFound('invoice');
  return findInvoice(ctx, null, id);
}

/** Only http(s) links leave the page; anything else stored by mistake is ignored. */
function safeUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

export async function loadPage(ctx: AppContext, id: string): Promise<PageData> {
  const invoice = await publicInvoice(ctx, id);
  const [view, project, { payments, quotes }, refunds] = await Promise.all([
    invoiceDetails(ctx, invoice),
    projectOf(ctx, invoice.accountId, invoice.projectId),
    invoicePayments(ctx, invoice),
    invoiceRefunds(ctx, invoice),
  ]);
  const now = ctx.clock.now();
  const required = new Map(quotes.map((q) => [q.id, q.requiredConfirmations]));
  const waiting = payments.filter(
    (p) => !p.dropped && p.confirmations < (required.get(p.quoteId) ?? 1),
  );
  const payable = payableCurrencies(ctx, project, invoice)
    .map((c) => cryptoCurrency(c))
    .filter((c): c is CryptoCurrency => c !== undefined)
    .sort((a, b) => a.order - b.order);
  return {
    invoice,
    view,
    shop: {
      name: project.name,
      logoUrl: safeUrl(project.logoUrl),
      successUrl: safeUrl(project.successUrl),
      failUrl: safeUrl(project.failUrl),
    },
    screen: screenOf(view, now),
    payable,
    confirmations: waiting.length > 0 ? Math.min(...waiting.map((p) => p.confirmations)) : null,
    refunds,
    now,
  };
}

/**
 * What the page's script may know: the amounts and the state, nothing about
 * the merchant's account, other invoices, secrets or the customer's e-mail.
 */
export interface PublicState {
  readonly id: string;
  readonly state: Screen;
  readonly final: boolean;
  readonly status: string;
  readonly context: string | null;
  readonly resolution: string | null;
  readonly amount: string;
  readonly currency: string;
  readonly payment: {
    readonly currency: string;
    readonly network: string;
    readonly address: string;
    readonly amount_due: string;
    readonly received: string;
    readonly received_unconfirmed: string;
    readonly remaining: string;
    readonly payment_uri: string | null;
    readonly confirmations: number | null;
    readonly required_confirmations: number;
  } | null;
  readonly expires_at: string | null;
  readonly test_mode: boolean;
  readonly server_time: string;
  /** Changes whenever anything the page shows changes. */
  readonly version: string;
}

export function publicState(page: PageData): PublicState {
  const { view } = page;
  const q = view.quote;
  const body = {
    id: view.id,
    state: page.screen,
    final: isFinalScreen(page.screen),
    status: view.status,
    context: view.context,
    resolution: view.resolution,
    amount: view.amount,
    currency: view.currency,
    payment: q
      ? {
          currency: q.currency,
          network: q.network,
          address: q.address,
          amount_due: q.amount_due,
          received: view.received,
          received_unconfirmed: view.received_unconfirmed,
          remaining: view.remaining,
          payment_uri: q.payment_uri,
          confirmations: page.confirmations,
          required_confirmations: q.required_confirmations,
        }
      : null,
    expires_at: view.expires_at,
    test_mode: view.test_mode,
  };
  const refunds = page.refunds.map((r) => r.id).join(',');
  const version = createHash('sha256')
    .update(JSON.stringify(body) + refunds)
    .digest('hex')
    .slice(0, 16);
  return { ...body, server_time: new Date(page.now).toISOString(), version };
}
