/** createRateProvider from configuration. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createRateProvider, parseRateSources } from '../../src/rates/index.js';

describe('building the provider from configuration', () => {
  it('reads RATE_SOURCES in order and rejects an unknown source', () => {
    expect(parseRateSources(' Kraken, coinbase ,erapi,kraken')).toEqual([
      'kraken',
      'coinbase',
      'erapi',
    ]);
    expect(() => parseRateSources('kraken,binanse')).toThrow(
      'RATE_SOURCES: unknown source "binanse" (known: kraken, coinbase, bitfinex, erapi, ecb, fixed)',
    );
  });

  it('rejects a RATES_FIXED entry that is not a positive price', () => {
    const config = loadConfig({ RATE_SOURCES: 'fixed', RATES_FIXED: '{"BTC/USD":"0.00"}' });
    expect(() => createRateProvider(config)).toThrow(
      'RATES_FIXED: BTC/USD: price must be positive',
    );
    const negative = loadConfig({ RATE_SOURCES: 'fixed', RATES_FIXED: '{"BTC/USD":"-1"}' });
    expect(() => createRateProvider(negative)).toThrow('RATES_FIXED: BTC/USD: not a price: "-1"');
    const badKey = loadConfig({ RATE_SOURCES: 'fixed', RATES_FIXED: '{"BTCUSD":"1"}' });
    expect(() => createRateProvider(badKey)).toThrow('RATES_FIXED: "BTCUSD" must look like');
  });

  it('accepts currency codes and plain numbers in RATES_FIXED without float rounding', async () => {
    const rates = createRateProvider(
      loadConfig({ RATE_SOURCES: 'fixed', RATES_FIXED: '{"USDT_TRC20/USD":1.000000000000000001}' }),
    );
    expect(await rates.rate('USDT_ERC20', 'USD')).toMatchObject({
      rate: '1.000000000000000001',
      source: 'fixed',
    });
  });

  it('pegs stablecoins when asked', async () => {
    const rates = createRateProvider(
      loadConfig({ RATE_SOURCES: 'fixed', RATES_FIXED: '{"USDC/USD":"0.9991"}' }),
      { stablecoinPeg: true },
    );
    expect(await rates.rate('USDC_ERC20', 'USD')).toMatchObject({
      rate: '1',
      source: 'peg(fixed)',
    });
  });

  it('fails clearly when the fixed source has no rate for a pair', async () => {
    const rates = createRateProvider(loadConfig({ RATE_SOURCES: 'fixed' }));
    await expect(rates.rate('BTC', 'USD')).rejects.toThrow(
      'no fresh rate for BTC/USD: no source has a fresh BTC/USD price',
    );
  });
});
