/**
 * Exact arithmetic has no size limits: a cross rate keeps every digit division
 * gives it (not 18 decimals), so the amount due is the exact quotient rounded up
 * once; statistics sum invoices worth more than 10^18 USD without failing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cc, ddmmyyyy } from '../cryptocloud/helpers.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';

const ceilDiv = (n: bigint, d: bigint) => (n + d - 1n) / d;

describe('exact cross rates and huge amounts', () => {
  let k: TestKassa;
  beforeAll(async () => {
    k = await startTestKassa({
      RATE_SOURCES: 'fixed',
      RATES_FIXED: JSON.stringify({ 'BTC/USD': '70000', 'USDT/USD': '0.9993' }),
    });
  });
  afterAll(async () => k?.stop());

  it('asks for exactly the price divided by the cross rate, rounded up once', async () => {
    // 1e9 BTC paid in USDT: BTC per USDT = 0.9993 / 70000 = 0.0000142757142857142857...
    const r = await k.api('POST', '/api/v1/invoices', {
      shop_id: k.shopId,
      amount: '1000000000',
      currency: 'BTC',
      payment_currency: 'USDT_TRC20',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    // due = 1e9 / (0.9993 / 70000) USDT, in 10^-6 units = 1e9 * 70000 * 1e6 * 1e4 / 9993
    const exact = ceilDiv(10n ** 9n * 70000n * 10n ** 6n * 10n ** 4n, 9993n);
    expect(r.body.quote.amount_due_units).toBe(exact.toString());
    expect(r.body.quote.rate.replace(/^0\.0*/, '').length).toBeGreaterThan(18);
  });

  it('sums statistics over an invoice worth more than 10^18 USD', async () => {
    const huge = await k.api('POST', '/api/v1/invoices', {
      shop_id: k.shopId,
      amount: '999999999999999',
      currency: 'BTC',
    });
    expect(huge.status, JSON.stringify(huge.body)).toBe(201);
    const small = await k.api('POST', '/api/v1/invoices', { shop_id: k.shopId, amount: '0.01' });
    expect(small.status).toBe(201);
    const today = ddmmyyyy(Date.now());
    const r = await cc(k, '/v2/invoice/merchant/statistics', { start: today, end: today });
    expect(r.status, r.text).toBe(200);
    // 999999999999999 BTC * 70000 USD + the earlier 1e9 BTC invoice + 0.01 USD, exact to the cent.
    const total = (999999999999999n + 1000000000n) * 70000n;
    expect(r.text).toContain(`"all":${total}.01`);
  });
});
