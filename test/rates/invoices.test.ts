/**
 * End to end through a whole Kassa (native API, test mode, fixed rates):
 * invoices priced in USD, EUR, RUB, UZS and JPY, paid in each crypto
 * currency, carry the hand-computed amounts; a pair without a fresh rate
 * fails with 503 rate_unavailable naming it, while other invoices still work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRYPTO_CURRENCIES } from '../../src/domain/currencies.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { EXPECTED, PRICES, RATES_FIXED, type Fiat } from './conversion-cases.js';

let kassa: TestKassa;
beforeAll(async () => {
  kassa = await startTestKassa({ RATE_SOURCES: 'fixed', RATES_FIXED });
});
afterAll(async () => {
  await kassa?.stop();
});

describe('creating invoices priced in fiat', () => {
  for (const fiat of Object.keys(PRICES) as Fiat[]) {
    it(`fixes exact amounts in every crypto currency for ${PRICES[fiat]} ${fiat}`, async () => {
      for (const currency of CRYPTO_CURRENCIES) {
        const res = await kassa.api('POST', '/api/v1/invoices', {
          shop_id: kassa.shopId,
          amount: PRICES[fiat],
          currency: fiat,
          payment_currency: currency.code,
          test_mode: true,
        });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        const quote = res.body.quote ?? res.body.data?.quote;
        expect(quote?.currency).toBe(currency.code);
        expect(BigInt(quote.amount_due_units), `${currency.code} for ${fiat}`).toBe(
          EXPECTED[currency.code]?.[fiat],
        );
        expect(quote.rate_source).toMatch(/^fixed/);
      }
    });
  }

  it('answers 503 rate_unavailable naming the pair when no fresh rate exists, and keeps pricing others', async () => {
    const res = await kassa.api('POST', '/api/v1/invoices', {
      shop_id: kassa.shopId,
      amount: '5000',
      currency: 'KGS',
      payment_currency: 'BTC',
      test_mode: true,
    });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('rate_unavailable');
    expect(res.body.error.message).toContain('BTC/KGS');

    const ok = await kassa.api('POST', '/api/v1/invoices', {
      shop_id: kassa.shopId,
      amount: '100.00',
      currency: 'USD',
      payment_currency: 'BTC',
      test_mode: true,
    });
    expect(ok.status).toBe(201);
  });
});
