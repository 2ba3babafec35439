/**
 * Prices in USD, EUR, RUB, UZS and JPY converted to every payable currency,
 * through the configured provider (fixed source, crossed through USD) and the
 * domain's priceToUnits, against amounts computed by hand:
 * units = ceil(price / (coin/USD x USD/fiat) x 10^decimals), with exact
 * fractions (Python's fractions.Fraction), independent of Kassa's code.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { CRYPTO_CURRENCIES } from '../../src/domain/currencies.js';
import { parseDecimal, priceToUnits } from '../../src/domain/money.js';
import { createRateProvider } from '../../src/rates/index.js';
import { EXPECTED, PRICES, RATES_FIXED, type Fiat } from './conversion-cases.js';

describe('converting invoice prices to crypto amounts', () => {
  const provider = createRateProvider(
    loadConfig({ RATE_SOURCES: 'fixed', RATES_FIXED, RATE_MODE: 'median' }),
  );

  it('covers every payable currency of the catalog', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(CRYPTO_CURRENCIES.map((c) => c.code).sort());
  });

  for (const currency of CRYPTO_CURRENCIES) {
    for (const fiat of Object.keys(PRICES) as Fiat[]) {
      it(`charges ${EXPECTED[currency.code]?.[fiat]} smallest units of ${currency.code} for ${PRICES[fiat]} ${fiat}`, async () => {
        const rate = await provider.rate(currency.code, fiat);
        const units = priceToUnits(
          parseDecimal(PRICES[fiat]),
          parseDecimal(rate.rate),
          currency.decimals,
        );
        expect(units).toBe(EXPECTED[currency.code]?.[fiat]);
        expect(rate.source).toBe(
          currency.code === 'BTC' && fiat === 'EUR'
            ? 'fixed'
            : fiat === 'USD'
              ? 'fixed'
              : 'fixed*fixed',
        );
      });
    }
  }
});
