/**
 * The same price written differently ("7", "7.0", "7.00", a JSON number 7) is
 * the same terms for an order_id and an Idempotency-Key, on both faces; a
 * different price is a conflict.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cc } from '../cryptocloud/helpers.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';

describe('amounts as terms of an order', () => {
  let k: TestKassa;
  beforeAll(async () => {
    k = await startTestKassa();
  });
  afterAll(async () => k?.stop());

  const create = (amount: string, extra: Record<string, unknown> = {}, headers = {}) =>
    k.api('POST', '/api/v1/invoices', { shop_id: k.shopId, amount, ...extra }, headers);

  it('stores a fiat price with all its minor units', async () => {
    const r = await create('7');
    expect(r.status).toBe(201);
    expect(r.body.amount).toBe('7.00');
    const row = await k.ctx.store.invoices.get(r.body.id);
    expect(row?.amount).toBe('7.00');
  });

  it('treats "7", "7.0" and "7.00" as the same order', async () => {
    const first = await create('7', { order_id: 'same-7' });
    expect(first.status).toBe(201);
    for (const amount of ['7.0', '7.00']) {
      const again = await create(amount, { order_id: 'same-7' });
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body.id).toBe(first.body.id);
    }
    const other = await create('7.01', { order_id: 'same-7' });
    expect(other.status).toBe(409);
    expect(other.body.error.field).toBe('order_id');
  });

  it('treats them as the same request under one Idempotency-Key', async () => {
    const key = { 'idempotency-key': 'amount-terms-0001' };
    const first = await create('7.0', {}, key);
    expect(first.status).toBe(201);
    for (const amount of ['7', '7.00']) {
      const again = await create(amount, {}, key);
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body.id).toBe(first.body.id);
    }
    expect((await create('8', {}, key)).status).toBe(422);
  });

  it('keeps crypto prices canonical: 0.5 and 0.50 BTC are one order', async () => {
    const first = await create('0.50', { currency: 'BTC', order_id: 'btc-half' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.amount).toBe('0.5');
    const again = await create('0.5', { currency: 'BTC', order_id: 'btc-half' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
  });

  it('matches an order made on /v2 with amount 7 when it comes natively as "7.00", and back', async () => {
    const v2 = await cc(k, '/v2/invoice/create', {
      shop_id: k.shopId,
      amount: 7,
      order_id: 'cross-7',
    });
    expect(v2.status, v2.text).toBe(200);
    const native = await create('7.00', { order_id: 'cross-7' });
    expect(native.status, JSON.stringify(native.body)).toBe(200);
    expect(`INV-${(await k.ctx.store.invoices.get(native.body.id))?.shortId}`).toBe(
      v2.body.result.uuid,
    );

    const first = await create('12.5', { order_id: 'cross-12' });
    expect(first.status).toBe(201);
    for (const body of [
      { shop_id: k.shopId, amount: 12.5, order_id: 'cross-12' },
      { shop_id: k.shopId, amount: '12.50', order_id: 'cross-12' },
    ]) {
      const r = await cc(k, '/v2/invoice/create', body);
      expect(r.status, r.text).toBe(200);
      expect(r.body.result.uuid).toBe(
        `INV-${(await k.ctx.store.invoices.get(first.body.id))?.shortId}`,
      );
    }
    const form = await cc(
      k,
      '/v2/invoice/create',
      { shop_id: k.shopId, amount: '12.500', order_id: 'cross-12' },
      { as: 'form' },
    );
    expect(form.status, form.text).toBe(200);
    const conflict = await cc(k, '/v2/invoice/create', {
      shop_id: k.shopId,
      amount: 12.51,
      order_id: 'cross-12',
    });
    expect(conflict.status).toBe(400);
    expect(conflict.text).toMatch(/order_id/);
  });
});
