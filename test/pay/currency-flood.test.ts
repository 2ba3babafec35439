/**
 * A pay link in the wrong hands: switching the payment currency back and forth
 * neither uses up the merchant's wallet addresses nor stops new invoices.
 */
import { randomBytes } from 'node:crypto';
import { HDKey } from '@scure/bip32';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_QUOTES_PER_INVOICE } from '../../src/app/quotes.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';

const root = HDKey.fromMasterSeed(randomBytes(32));
const xpub = (path: string) => root.derive(path).publicExtendedKey;
const GAP_LIMIT = 5;

function switchTo(link: string, currency: string) {
  return fetch(`${link}/currency`, {
    method: 'POST',
    body: new URLSearchParams({ currency }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  });
}

describe('switching the payment currency on the payment page', () => {
  let k: TestKassa;

  beforeAll(async () => {
    k = await startTestKassa();
    const r = await k.api('PATCH', `/api/v1/projects/${k.shopId}`, {
      enabled_currencies: ['BTC', 'LTC'],
      wallets: {
        BTC: { key: xpub("m/84'/0'/0'"), gap_limit: GAP_LIMIT },
        LTC: { key: xpub("m/84'/2'/0'"), gap_limit: GAP_LIMIT },
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });
  afterAll(async () => k?.stop());

  const create = (body: Record<string, unknown> = {}) =>
    k.api('POST', '/api/v1/invoices', {
      shop_id: k.shopId,
      amount: '10.00',
      test_mode: false,
      ...body,
    });

  const allocations = (invoiceId: string) =>
    k.store.db
      .selectFrom('address_allocations')
      .select(['chain', 'idx', 'address'])
      .where('invoice_id', '=', invoiceId)
      .execute();

  it('gives back the address the invoice already holds when the customer switches back', async () => {
    const inv = (await create()).body;
    const seen: Record<string, string> = {};
    for (const c of ['BTC', 'LTC', 'BTC', 'LTC']) {
      expect(
        (await k.api('POST', `/api/v1/invoices/${inv.id}/quote`, { currency: c })).status,
      ).toBe(200);
      const quote = (await k.api('GET', `/api/v1/invoices/${inv.id}`)).body.quote;
      expect(quote.currency).toBe(c);
      seen[c] ??= quote.address;
      expect(quote.address).toBe(seen[c]);
    }
    expect(await allocations(inv.id)).toHaveLength(2);
  });

  it('caps how often one invoice may change its payment currency, with a clear message', async () => {
    const inv = (await create()).body;
    const statuses: number[] = [];
    let last: { status: number; body: any } | undefined;
    // Alternating, then always the currency that is not active: every request is a change.
    const active = (i: number) => (i % 2 ? 'LTC' : 'BTC');
    for (let i = 0; i < MAX_QUOTES_PER_INVOICE + 3; i++) {
      const currency = i < MAX_QUOTES_PER_INVOICE ? active(i) : active(MAX_QUOTES_PER_INVOICE);
      last = await k.api('POST', `/api/v1/invoices/${inv.id}/quote`, { currency });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, MAX_QUOTES_PER_INVOICE).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(MAX_QUOTES_PER_INVOICE)).toEqual([409, 409, 409]);
    expect(last!.body.error.message).toContain('changed');
    expect(last!.body.error.field).toBe('currency');

    const page = await switchTo(inv.link, 'BTC');
    expect(page.status).toBe(409);
    const html = await page.text();
    expect(html, html.slice(html.indexOf('<main'), html.indexOf('<main') + 3000)).toContain(
      'changed too many times',
    );
  });

  it('a flood of 200 switches from an unauthenticated client exhausts nothing and blocks no new invoice', async () => {
    const inv = (await create()).body;
    const link = inv.link;
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++)
      statuses.push((await switchTo(link, i % 2 ? 'LTC' : 'BTC')).status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses[0]).toBe(303);

    // One address per wallet, however often the customer switched.
    const held = await allocations(inv.id);
    expect(held.map((a) => a.chain).sort()).toEqual(['BTC', 'LTC']);
    const quotes = await k.store.db
      .selectFrom('quotes')
      .select('address')
      .where('invoice_id', '=', inv.id)
      .execute();
    expect(quotes.length).toBeLessThanOrEqual(MAX_QUOTES_PER_INVOICE);
    expect(new Set(quotes.map((q) => q.address)).size).toBe(2);

    // Beyond the gap limit, new invoices are still created (a warning, not a refusal).
    const created: number[] = [];
    for (let i = 0; i < GAP_LIMIT + 2; i++)
      created.push((await create({ payment_currency: 'BTC' })).status);
    expect(created.every((s) => s === 201)).toBe(true);
  });
});
