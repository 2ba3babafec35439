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

const RATES_FIXED = JSON.stringify({
  'BTC/USD': '59012.4',
  'BTC/EUR': '53541.1',
  'LTC/USD': '61.23',
  'ETH/USD': '2612.57',
  'TRX/USD': '0.141237',
  'USDT/USD': '1.00012',
  'USDC/USD': '0.99996',
  'TUSD/USD': '0.99812',
  'USD/EUR': '0.907539',
  'USD/RUB': '89.378323',
  'USD/UZS': '12707.572003',
  'USD/JPY': '148.042596',
});

const PRICES = { USD: '100.00', EUR: '100.00', RUB: '9999.99', UZS: '1250000.00', JPY: '15000' } as const;
type Fiat = keyof typeof PRICES;

/**
 * Smallest units due. E.g. BTC/USD: 100 / 59012.4 = 0.00169455... BTC -> 169456 sat;
 * BTC/EUR uses the direct 53541.1; USDT/UZS: 1250000 / (1.00012 x 12707.572003) x 10^6.
 */
const EXPECTED: Record<string, Record<Fiat, bigint>> = {
  USDT_TRC20: { USD: 99988002n, EUR: 110174882n, RUB: 111870416n, UZS: 98354747n, JPY: 101310033n },
  USDT_ERC20: { USD: 99988002n, EUR: 110174882n, RUB: 111870416n, UZS: 98354747n, JPY: 101310033n },
  USDC_TRC20: { USD: 100004001n, EUR: 110192510n, RUB: 111888316n, UZS: 98370484n, JPY: 101326243n },
  USDC_ERC20: { USD: 100004001n, EUR: 110192510n, RUB: 111888316n, UZS: 98370484n, JPY: 101326243n },
  TUSD_TRC20: {
    USD: 100188354105718751253n,
    EUR: 110395645923446541970n,
    RUB: 112094577918366901485n,
    UZS: 98551826110119927893n,
    JPY: 101513034234132267499n,
  },
  TUSD_ERC20: {
    USD: 100188354105718751253n,
    EUR: 110395645923446541970n,
    RUB: 112094577918366901485n,
    UZS: 98551826110119927893n,
    JPY: 101513034234132267499n,
  },
  BTC: { USD: 169456n, EUR: 186773n, RUB: 189594n, UZS: 166688n, JPY: 171697n },
  LTC: { USD: 163318635n, EUR: 179957704n, RUB: 182727161n, UZS: 160650905n, JPY: 165478017n },
  ETH: {
    USD: 38276486371657028n,
    EUR: 42176133886981196n,
    RUB: 42825202812510430n,
    UZS: 37651258598633875n,
    JPY: 38782574143380694n,
  },
  TRX: { USD: 708029766n, EUR: 780164562n, RUB: 792170891n, UZS: 696464444n, JPY: 717391263n },
};

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
        const units = priceToUnits(parseDecimal(PRICES[fiat]), parseDecimal(rate.rate), currency.decimals);
        expect(units).toBe(EXPECTED[currency.code]?.[fiat]);
        expect(rate.source).toBe(currency.code === 'BTC' && fiat === 'EUR' ? 'fixed' : fiat === 'USD' ? 'fixed' : 'fixed*fixed');
      });
    }
  }
});
