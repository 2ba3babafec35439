/**
 * An invoice as CoinsPaid's v2 API answers it (create, get, cancel), read off
 * the CoinsPaid callback's invoice object so both speak with one voice.
 */
import type { AppContext } from '../../app/context.js';
import { invoiceDetails } from '../../app/invoices.js';
import type { Invoice } from '../../domain/invoice.js';
import { coinsPaidInvoice } from '../../callbacks/coinspaid.js';

const unix = (iso: unknown) =>
  typeof iso === 'string' ? Math.floor(Date.parse(iso) / 1000) : null;

/** CoinsPaid ids are integers: the invoice's 8-character short id read in base 36, stable and unique. */
export function numericId(shortId: string): number {
  return parseInt(shortId, 36);
}

export async function cpsInvoice(ctx: AppContext, inv: Invoice): Promise<Record<string, unknown>> {
  const view = await invoiceDetails(ctx, inv);
  const c = coinsPaidInvoice('invoice', { invoice: view });
  const releaseAt = unix(c.expires_at);
  const now = Math.floor(ctx.clock.now() / 1000);
  return {
    id: numericId(inv.shortId),
    url: c.url,
    foreign_id: c.foreign_id,
    address: c.address,
    title: inv.metadata?.title ?? inv.description,
    description: inv.description,
    status: c.status,
    error: c.error,
    currency: c.currency,
    amount: c.amount,
    sender_currency: c.sender_currency,
    sender_amount: c.sender_amount,
    received_amount: c.received_amount,
    fixed_at: unix(c.fixed_at) ?? (releaseAt !== null ? Math.floor(inv.createdAt / 1000) : null),
    release_at: releaseAt,
    seconds_left: releaseAt === null ? null : Math.max(0, releaseAt - now),
  };
}
