/** info, canceled, list, statistics and balance, driven as CryptoCloud SDKs and CMS modules call them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { cc, ddmmyyyy, otherMerchant, rawNumber } from './helpers.js';

async function create(k: TestKassa, body: Record<string, unknown>) {
  const r = await cc(k, '/v2/invoice/create', { shop_id: k.shopId, ...body });
  if (r.status !== 200) throw new Error(r.text);
  return r.body.result as { uuid: string; address: string };
}

async function pay(k: TestKassa, uuid: string, amount?: string) {
  const r = await k.api('POST', `/api/v1/invoices/${uuid}/test-payments`, amount ? { amount } : {});
  if (r.status >= 300) throw new Error(JSON.stringify(r.body));
}

describe('CryptoCloud merchant endpoints', () => {
  let k: TestKassa;
  const today = ddmmyyyy(Date.now());

  beforeAll(async () => {
    k = await startTestKassa();
  });
  afterAll(async () => {
    await k?.stop();
  });

  it('returns invoices for bare and INV- ids, in request order, with what was received', async () => {
    const a = await create(k, {
      amount: 100,
      order_id: '1111',
      add_fields: { cryptocurrency: 'USDT_TRC20' },
    });
    const b = await create(k, { amount: '50' });
    await pay(k, a.uuid, '100.2');
    const r = await cc(k, '/v2/invoice/merchant/info', { uuids: [a.uuid, b.uuid.slice(4)] });
    expect(r.status).toBe(200);
    const [ia, ib] = r.body.result;
    expect(ia).toMatchObject({
      uuid: a.uuid,
      status: 'overpaid',
      invoice_status: 'success',
      order_id: '1111',
      test_mode: true,
    });
    expect(ia.currency).toMatchObject({ id: 4, fullcode: 'USDT_TRC20' });
    expect(ib).toMatchObject({
      uuid: b.uuid,
      status: 'created',
      invoice_status: 'created',
      order_id: null,
    });
    expect(rawNumber(r.text, 'received')).toEqual(['100.2', '0.0']);
    expect(rawNumber(r.text, 'received_usd')).toEqual(['100.2', '0.0']);
    expect(rawNumber(r.text, 'amount')).toEqual(['100.0', '50.0']);
  });

  it('reports a partial payment with what is left to pay', async () => {
    const a = await create(k, { amount: 30, add_fields: { cryptocurrency: 'USDT_ERC20' } });
    await pay(k, a.uuid, '10');
    const r = await cc(k, '/v2/invoice/merchant/info', { uuids: [a.uuid] });
    expect(r.body.result[0]).toMatchObject({ status: 'partial', invoice_status: 'partial' });
    expect(rawNumber(r.text, 'to_surcharge')).toEqual(['20.0']);
  });

  it('reads uuids from a PHP form body (uuids[0]=..&uuids[1]=..)', async () => {
    const a = await create(k, { amount: 1 });
    const b = await create(k, { amount: 2 });
    const r = await cc(k, '/v2/invoice/merchant/info', { uuids: [a.uuid, b.uuid] }, { as: 'form' });
    expect(r.status).toBe(200);
    expect(r.body.result.map((x: { uuid: string }) => x.uuid)).toEqual([a.uuid, b.uuid]);
  });

  it('refuses more than 100 uuids, unknown ids and another merchant’s ids', async () => {
    const a = await create(k, { amount: 1 });
    const tooMany = await cc(k, '/v2/invoice/merchant/info', {
      uuids: Array.from({ length: 101 }, () => a.uuid),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toEqual({
      status: 'error',
      result: expect.objectContaining({ validate_error: expect.stringMatching(/100/) }),
    });
    const hundred = await cc(k, '/v2/invoice/merchant/info', {
      uuids: Array.from({ length: 100 }, () => a.uuid),
    });
    expect(hundred.status).toBe(200);
    expect(hundred.body.result).toHaveLength(100);

    const unknown = await cc(k, '/v2/invoice/merchant/info', { uuids: [a.uuid, 'INV-ZZZZ9999'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.result.validate_error).toMatch(/INV-ZZZZ9999/);

    const other = await otherMerchant(k);
    const theirs = await cc(
      k,
      '/v2/invoice/create',
      { shop_id: other.shopId, amount: 3 },
      { key: other.apiKey },
    );
    expect(theirs.status).toBe(200);
    const foreign = await cc(k, '/v2/invoice/merchant/info', { uuids: [theirs.body.result.uuid] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.status).toBe('error');
    const garbage = await cc(k, '/v2/invoice/merchant/info', { uuids: ['not an id'] });
    expect(garbage.status).toBe(400);
    const missing = await cc(k, '/v2/invoice/merchant/info', {});
    expect(missing.body.result.validate_error).toMatch(/uuids/);
  });

  it('cancels an invoice only while it is created', async () => {
    const a = await create(k, { amount: 7 });
    const r = await cc(k, '/v2/invoice/merchant/canceled', { uuid: a.uuid });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'success', result: ['ok'] });
    const info = await cc(k, '/v2/invoice/merchant/info', { uuids: [a.uuid] });
    expect(info.body.result[0].status).toBe('canceled');
    const again = await cc(k, '/v2/invoice/merchant/canceled', { uuid: a.uuid.slice(4) });
    expect(again.status).toBe(400);
    expect(again.body.result.validate_error).toBe('Invoice is not created');

    const paid = await create(k, { amount: 7, add_fields: { cryptocurrency: 'LTC' } });
    await pay(k, paid.uuid);
    const refused = await cc(k, '/v2/invoice/merchant/canceled', { uuid: paid.uuid });
    expect(refused.status).toBe(400);
    expect(
      (await cc(k, '/v2/invoice/merchant/info', { uuids: [paid.uuid] })).body.result[0].status,
    ).toBe('paid');

    const missing = await cc(k, '/v2/invoice/merchant/canceled', {});
    expect(missing.body.result.validate_error).toBe('uuid is required');
    const other = await otherMerchant(k);
    const theirs = await cc(
      k,
      '/v2/invoice/create',
      { shop_id: other.shopId, amount: 3 },
      { key: other.apiKey },
    );
    const foreign = await cc(k, '/v2/invoice/merchant/canceled', { uuid: theirs.body.result.uuid });
    expect(foreign.status).toBe(400);
  });

  it('lists invoices of a period page by page with all_count', async () => {
    for (let i = 0; i < 4; i++) await create(k, { amount: 1 + i });
    const all = await cc(k, '/v2/invoice/merchant/list', {
      start: today,
      end: today,
      offset: 0,
      limit: 100,
    });
    expect(all.status).toBe(200);
    const total = all.body.all_count as number;
    expect(total).toBeGreaterThan(5);
    expect(all.body.result).toHaveLength(Math.min(total, 100));
    const defaultPage = await cc(k, '/v2/invoice/merchant/list', { start: today, end: today });
    expect(defaultPage.body.result).toHaveLength(Math.min(total, 10));
    const p1 = await cc(k, '/v2/invoice/merchant/list', {
      start: today,
      end: today,
      offset: 0,
      limit: 3,
    });
    const p2 = await cc(
      k,
      '/v2/invoice/merchant/list',
      { start: today, end: today, offset: '3', limit: '3' },
      { as: 'form' },
    );
    const ids = [...p1.body.result, ...p2.body.result].map((x: { uuid: string }) => x.uuid);
    expect(new Set(ids).size).toBe(6);
    expect(ids).toEqual(all.body.result.slice(0, 6).map((x: { uuid: string }) => x.uuid));
    expect(p2.body.all_count).toBe(total);

    const past = await cc(k, '/v2/invoice/merchant/list', {
      start: '01.01.2020',
      end: '31.01.2020',
    });
    expect(past.body).toEqual({ status: 'success', result: [], all_count: 0 });
    for (const bad of [
      { start: today, end: today, limit: 101 },
      { start: '2024-01-01', end: today },
      { start: '31.02.2024', end: today },
      { start: today, end: '01.01.2020' },
      { end: today },
    ]) {
      const r = await cc(k, '/v2/invoice/merchant/list', bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.status).toBe('error');
    }
  });
});

describe('CryptoCloud statistics and balance', () => {
  let k: TestKassa;
  const today = ddmmyyyy(Date.now());

  beforeAll(async () => {
    k = await startTestKassa();
  });
  afterAll(async () => {
    await k?.stop();
  });

  it('counts invoices per status with their USD sums', async () => {
    const paid = await create(k, { amount: 100, add_fields: { cryptocurrency: 'USDT_TRC20' } });
    await pay(k, paid.uuid);
    const over = await create(k, { amount: '20', add_fields: { cryptocurrency: 'USDT_TRC20' } });
    await pay(k, over.uuid, '25');
    const partial = await create(k, { amount: '10', add_fields: { cryptocurrency: 'USDT_TRC20' } });
    await pay(k, partial.uuid, '4');
    const canceled = await create(k, { amount: '5.5' });
    await cc(k, '/v2/invoice/merchant/canceled', { uuid: canceled.uuid });
    await create(k, { amount: '50', currency: 'EUR' });

    const r = await cc(k, '/v2/invoice/merchant/statistics', { start: today, end: today });
    expect(r.status).toBe(200);
    expect(r.body.result.count).toEqual({
      all: 5,
      created: 1,
      paid: 1,
      overpaid: 1,
      partial: 1,
      canceled: 1,
    });
    // 50 EUR at 0.92 EUR per USD is 54.35 USD.
    expect(r.body.result.amount).toEqual({
      all: 189.85,
      created: 54.35,
      paid: 100,
      overpaid: 20,
      partial: 10,
      canceled: 5.5,
    });
    expect(rawNumber(r.text, 'all')).toEqual(['5', '189.85']);

    const empty = await cc(k, '/v2/invoice/merchant/statistics', {
      start: '01.01.2020',
      end: '02.01.2020',
    });
    expect(empty.body.result.count.all).toBe(0);
    const bad = await cc(k, '/v2/invoice/merchant/statistics', { start: 'yesterday', end: today });
    expect(bad.status).toBe(400);
  });

  it('shows what the invoices received per currency as the balance', async () => {
    const r = await cc(k, '/v2/merchant/wallet/balance/all');
    expect(r.status).toBe(200);
    const usdt = r.body.result.find(
      (x: { currency: { code: string } }) => x.currency.code === 'USDT_TRC20',
    );
    expect(usdt.currency).toMatchObject({
      id: 4,
      short_code: 'USDT',
      enable: true,
      obj_network: { code: 'TRC20', id: 4 },
    });
    // 100 + 25 + 4 USDT received in test mode.
    const i = r.body.result.indexOf(usdt);
    expect(rawNumber(r.text, 'balance_crypto')[i]).toBe('129.0');
    expect(rawNumber(r.text, 'balance_usd')[i]).toBe('129.0');
    const btc = r.body.result.find(
      (x: { currency: { code: string } }) => x.currency.code === 'BTC',
    );
    expect(btc.balance_crypto).toBe(0);
    const unauth = await cc(k, '/v2/merchant/wallet/balance/all', undefined, {
      key: 'nope-nope-nope',
    });
    expect(unauth.status).toBe(403);
    expect(unauth.body.result).toEqual({ authorization: 'Unauthorized request.' });
  });
});
