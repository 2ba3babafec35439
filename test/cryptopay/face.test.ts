/** The Cryptopay-compatible API end to end: signed requests, invoice lifecycle, refunds, rates. */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAccount,
  createApiKey,
  createProject,
  revokeApiKey,
} from '../../src/app/accounts.js';
import { settle } from '../../src/app/settle.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { cp, cryptopayPair, type CpPair } from './helpers.js';

let k: TestKassa;
let pair: CpPair;
let receiver: Receiver;
let callbackSecret: string;

/** Moves an invoice's timer into the past, as waiting would. */
async function expire(id: string) {
  await k.ctx.store.transaction(async (uow) => {
    await uow.invoices.setExpiresAt(id, Date.now() - 1000);
    await settle(k.ctx, uow, id);
  });
}

const invoiceCount = async () =>
  k.ctx.store.invoices.count({
    accountId: (await k.ctx.store.projects.get(k.shopId))!.accountId,
    limit: 1,
  });

beforeAll(async () => {
  k = await startTestKassa();
  pair = await cryptopayPair(k);
  receiver = await startReceiver();
  const ep = await k.api('POST', `/api/v1/projects/${k.shopId}/webhook-endpoints`, {
    url: `${receiver.url}/cryptopay`,
    format: 'cryptopay',
  });
  expect(ep.status).toBe(201);
  callbackSecret = ep.body.secret;
});

afterAll(async () => {
  await receiver?.close();
  await k?.stop();
});

describe('Cryptopay invoices', () => {
  it('creates, reads and completes an invoice paid in test mode, with a verifiable callback', async () => {
    const created = await cp(k, pair, 'POST', '/api/invoices', {
      price_amount: 100.5,
      price_currency: 'EUR',
      pay_currency: 'BTC',
      custom_id: 'order-1',
      description: 'Order #1',
      metadata: { cart: '42' },
    });
    expect(created.status).toBe(201);
    const inv = created.body.data;
    expect(inv).toMatchObject({
      custom_id: 'order-1',
      status: 'new',
      status_context: null,
      price_amount: '100.50',
      price_currency: 'EUR',
      description: 'Order #1',
      metadata: { cart: '42' },
    });
    expect(inv.pay_amount).toMatch(/^\d+\.\d+$/);
    expect(Date.parse(inv.expires_at) - Date.parse(inv.created_at)).toBe(600_000);

    const byId = await cp(k, pair, 'GET', `/api/invoices/${inv.id}`);
    expect(byId.status).toBe(200);
    expect(byId.body.data.id).toBe(inv.id);
    const byCustom = await cp(k, pair, 'GET', '/api/invoices/custom_id/order-1');
    expect(byCustom.body.data.id).toBe(inv.id);

    const pay = await k.api('POST', `/api/v1/invoices/${inv.id}/test-payments`, {});
    expect(pay.status).toBe(201);
    const done = await cp(k, pair, 'GET', `/api/invoices/${inv.id}`);
    expect(done.body.data).toMatchObject({ status: 'completed', status_context: null });
    expect(done.body.data.transactions).toHaveLength(1);

    await receiver.waitFor((rs) =>
      rs.some((r) => r.body.includes(inv.id) && JSON.parse(r.body).data.status === 'completed'),
    );
    for (const r of receiver.requests) {
      const expected = createHmac('sha256', callbackSecret).update(r.body).digest('hex');
      expect(r.headers['x-cryptopay-signature']).toBe(expected);
    }
  });

  it('refuses a custom_id used before with 409 duplicate_custom_id and writes nothing', async () => {
    const before = await invoiceCount();
    const again = await cp(k, pair, 'POST', '/api/invoices', {
      price_amount: '100.50',
      price_currency: 'EUR',
      pay_currency: 'BTC',
      custom_id: 'order-1',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('duplicate_custom_id');
    expect(await invoiceCount()).toBe(before);
  });

  it('keeps the price exactly as written and maps a token plus network to one currency', async () => {
    const r = await cp(k, pair, 'POST', '/api/invoices', undefined, {
      rawBody:
        '{"price_amount": 12.345678901234567, "price_currency": "BTC", "pay_currency": "USDT", "network": "tron"}',
    });
    expect(r.status).toBe(422);
    expect(r.body.error.details[0].target).toBe('price_amount');
    const ok = await cp(k, pair, 'POST', '/api/invoices', undefined, {
      rawBody:
        '{"price_amount": 0.12345678, "price_currency": "BTC", "pay_currency": "USDT", "network": "tron"}',
    });
    expect(ok.status).toBe(201);
    expect(ok.body.data.price_amount).toBe('0.12345678');
    expect(ok.body.data.pay_currency).toBe('USDT_TRC20');
  });

  it('lists invoices newest first, 25 a page, following starting_after', async () => {
    for (let i = 0; i < 26; i++) {
      const r = await cp(k, pair, 'POST', '/api/invoices', {
        price_amount: '1',
        price_currency: 'USD',
        pay_currency: 'LTC',
      });
      expect(r.status).toBe(201);
    }
    const total = await invoiceCount();
    const first = await cp(k, pair, 'GET', '/api/invoices');
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(25);
    expect(first.body.meta).toEqual({ total, has_more: true });
    const last = first.body.data[24].id;
    const second = await cp(k, pair, 'GET', `/api/invoices?starting_after=${last}`);
    expect(second.body.data).toHaveLength(total - 25);
    expect(second.body.meta.has_more).toBe(false);
    const ids = [...first.body.data, ...second.body.data].map((i: { id: string }) => i.id);
    expect(new Set(ids).size).toBe(total);
  });

  it('records a refund of a late payment and lists it; the invoice becomes refunded', async () => {
    const c = await cp(k, pair, 'POST', '/api/invoices', {
      price_amount: '10',
      price_currency: 'USD',
      pay_currency: 'BTC',
    });
    const id = c.body.data.id;
    await k.api('POST', `/api/v1/invoices/${id}/test-payments`, { late: true });
    const late = await cp(k, pair, 'GET', `/api/invoices/${id}`);
    expect(late.body.data).toMatchObject({ status: 'unresolved', status_context: 'paid_late' });
    const noAddress = await cp(k, pair, 'POST', `/api/invoices/${id}/refunds`, {});
    expect(noAddress.status).toBe(422);
    expect(noAddress.body.error.details[0].target).toBe('address');
    const refund = await cp(k, pair, 'POST', `/api/invoices/${id}/refunds`, {
      address: 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080',
    });
    expect(refund.status).toBe(201);
    expect(refund.body.data).toMatchObject({
      invoice_id: id,
      amount: late.body.data.paid_amount,
      amount_currency: 'BTC',
      network: 'bitcoin',
    });
    const list = await cp(k, pair, 'GET', `/api/invoices/${id}/refunds`);
    expect(list.body.data.map((r: { id: string }) => r.id)).toEqual([refund.body.data.id]);
    const after = await cp(k, pair, 'GET', `/api/invoices/${id}`);
    expect(after.body.data.status).toBe('refunded');
  });

  it('recalculates an expired invoice at the current rate on the same address, with a new timer', async () => {
    const c = await cp(k, pair, 'POST', '/api/invoices', {
      price_amount: '20.00',
      price_currency: 'USD',
      pay_currency: 'BTC',
    });
    const id = c.body.data.id;
    const open = await cp(k, pair, 'POST', `/api/invoices/${id}/recalculations`, {});
    expect(open.status).toBe(422);
    expect(open.body.error.details[0].code).toBe('invalid_state');
    await expire(id);
    expect((await cp(k, pair, 'GET', `/api/invoices/${id}`)).body.data.status).toBe('cancelled');

    const proposal = await cp(k, pair, 'POST', `/api/invoices/${id}/recalculations`, {
      force_commit: false,
    });
    expect(proposal.status).toBe(201);
    const rate = (await k.ctx.rates.rate('BTC', 'USD')).rate;
    expect(proposal.body.data).toMatchObject({
      invoice_id: id,
      pay_currency: 'BTC',
      price_amount: '20.00',
      previous_pay_amount: c.body.data.pay_amount,
      exchange: { pair: 'BTCUSD', rate },
    });
    // Nothing changes until the proposal is committed.
    expect((await cp(k, pair, 'GET', `/api/invoices/${id}`)).body.data.status).toBe('cancelled');
    const forged = proposal.body.data.id.replace(/.$/, (ch: string) => (ch === 'A' ? 'B' : 'A'));
    const bad = await cp(k, pair, 'POST', `/api/invoices/${id}/recalculations/${forged}/commit`);
    expect(bad.status).toBe(422);
    const commit = await cp(
      k,
      pair,
      'POST',
      `/api/invoices/${id}/recalculations/${proposal.body.data.id}/commit`,
    );
    expect(commit.status).toBe(200);
    const after = (await cp(k, pair, 'GET', `/api/invoices/${id}`)).body.data;
    expect(after).toMatchObject({
      status: 'new',
      address: c.body.data.address,
      pay_amount: proposal.body.data.pay_amount,
    });
    expect(Date.parse(after.expires_at)).toBeGreaterThan(Date.now() + 9 * 60_000);
    await k.api('POST', `/api/v1/invoices/${id}/test-payments`, {});
    expect((await cp(k, pair, 'GET', `/api/invoices/${id}`)).body.data.status).toBe('completed');
    const again = await cp(k, pair, 'POST', `/api/invoices/${id}/recalculations`, {
      force_commit: true,
    });
    expect(again.status).toBe(422);
  });

  it('refuses to recalculate an invoice that received a late payment', async () => {
    const c = await cp(k, pair, 'POST', '/api/invoices', {
      price_amount: '20.00',
      price_currency: 'USD',
      pay_currency: 'BTC',
    });
    await k.api('POST', `/api/v1/invoices/${c.body.data.id}/test-payments`, { late: true });
    const r = await cp(k, pair, 'POST', `/api/invoices/${c.body.data.id}/recalculations`, {
      force_commit: true,
    });
    expect(r.status).toBe(422);
    expect((await cp(k, pair, 'GET', `/api/invoices/${c.body.data.id}`)).body.data.status).toBe(
      'unresolved',
    );
  });

  it('serves rates from the rate provider as exact strings', async () => {
    const all = await cp(k, pair, 'GET', '/api/rates');
    expect(all.status).toBe(200);
    expect(all.body.data.BTCUSD).toEqual(all.body.data['BTC/USD']);
    const one = await cp(k, pair, 'GET', '/api/rates/BTC/USD');
    expect(one.body.data).toEqual(all.body.data.BTCUSD);
    expect(one.body.data.buy_rate).toBe((await k.ctx.rates.rate('BTC', 'USD')).rate);
    const joined = await cp(k, pair, 'GET', '/api/rates/BTCUSD');
    expect(joined.body.data).toEqual(one.body.data);
    const unknown = await cp(k, pair, 'GET', '/api/rates/XYZ/USD');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });
});

describe('Cryptopay request signing', () => {
  const body = { price_amount: '5', price_currency: 'USD', pay_currency: 'BTC' };

  it('refuses a wrong signature, a missing or stale Date, an unknown or revoked key: 401, nothing written', async () => {
    const before = await invoiceCount();
    const wrong = await cp(k, pair, 'POST', '/api/invoices', body, { secret: 'not-the-secret' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    const stale = await cp(k, pair, 'POST', '/api/invoices', body, {
      date: new Date(Date.now() - 6 * 60_000).toUTCString(),
    });
    expect(stale.status).toBe(401);
    const future = await cp(k, pair, 'POST', '/api/invoices', body, {
      date: new Date(Date.now() + 6 * 60_000).toUTCString(),
    });
    expect(future.status).toBe(401);
    const noAuth = await cp(k, pair, 'POST', '/api/invoices', body, { authorization: null });
    expect(noAuth.status).toBe(401);
    const unknown = await cp(
      k,
      { ...pair, apiKey: `${k.shopId}.key_00000000000000000000000000` },
      'POST',
      '/api/invoices',
      body,
    );
    expect(unknown.status).toBe(401);
    // A tampered body no longer matches the MD5 that was signed.
    const signed = await cp(k, pair, 'GET', '/api/invoices');
    expect(signed.status).toBe(200);
    const revoked = await cryptopayPair(k);
    await revokeApiKey(k.ctx, revoked.keyId);
    expect((await cp(k, revoked, 'GET', '/api/invoices')).status).toBe(401);
    expect(await invoiceCount()).toBe(before);
  });

  it('accepts the PHP SDK date format within the window', async () => {
    const d = new Date();
    const php = d.toUTCString().replace('GMT', '+0000');
    const r = await cp(k, pair, 'GET', '/api/rates/BTC/USD', undefined, { date: php });
    expect(r.status).toBe(200);
  });

  it("answers 404 for another merchant's invoice and another project's", async () => {
    const account = await createAccount(k.ctx, 'Other merchant');
    await createApiKey(k.ctx, account.id, 'other');
    const { project } = await createProject(k.ctx, account.id, { name: 'Other', testMode: true });
    const other = await cryptopayPair(k, account.id, project.id);
    const theirs = await cp(k, other, 'POST', '/api/invoices', body);
    expect(theirs.status).toBe(201);
    const peek = await cp(k, pair, 'GET', `/api/invoices/${theirs.body.data.id}`);
    expect(peek.status).toBe(404);
    expect(peek.body.error.code).toBe('not_found');
    const refund = await cp(k, pair, 'POST', `/api/invoices/${theirs.body.data.id}/refunds`, {
      address: 'x',
    });
    expect(refund.status).toBe(404);
    // The same account's second project is out of this pair's reach too.
    const accountId = (await k.ctx.store.projects.get(k.shopId))!.accountId;
    const { project: second } = await createProject(k.ctx, accountId, {
      name: 'Second',
      testMode: true,
    });
    const secondPair = await cryptopayPair(k, accountId, second.id);
    const inSecond = await cp(k, secondPair, 'POST', '/api/invoices', body);
    expect((await cp(k, pair, 'GET', `/api/invoices/${inSecond.body.data.id}`)).status).toBe(404);
  });
});
