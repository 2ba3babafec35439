/** What the exchange sources read out of recorded and composed answers, via the replay server. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatDecimal } from '../../src/domain/money.js';
import { BitfinexSource } from '../../src/rates/bitfinex.js';
import { CoinbaseSource } from '../../src/rates/coinbase.js';
import { KRAKEN_PAIRS, KrakenSource, splitKrakenPair } from '../../src/rates/kraken.js';
import { RateSourceError, type RateSource, type SourcePrice } from '../../src/rates/source.js';
import { fixture, startRateReplay, type RateReplay } from '../support/rate-replay.js';

const TIMEOUT_MS = 300;

let replay: RateReplay;
beforeAll(async () => {
  replay = await startRateReplay();
});
afterAll(async () => {
  await replay.close();
});
beforeEach(() => replay.reset());

function asTable(prices: readonly SourcePrice[]): Record<string, string> {
  return Object.fromEntries(prices.map((p) => [`${p.base}/${p.quote}`, formatDecimal(p.rate)]));
}

async function failure(source: RateSource): Promise<RateSourceError> {
  const err = await source.fetchPrices().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RateSourceError);
  return err as RateSourceError;
}

describe('Kraken parsing', () => {
  it('splits Kraken pair names back into symbols and keeps the last trade price exactly', async () => {
    replay.serve('/0/public/Ticker', { body: fixture('kraken/ticker-2019.json') });
    const source = new KrakenSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }, [
      'XBTUSD',
      'LTCUSD',
    ]);
    // EOS and XMR are in the answer but are not payable currencies.
    expect(asTable(await source.fetchPrices())).toEqual({
      'BTC/USD': '10724.8',
      'LTC/USD': '139.92',
    });
    expect(replay.requests.at(-1)).toBe('/0/public/Ticker?pair=XBTUSD,LTCUSD');
    expect(splitKrakenPair('XXMRZUSD')).toEqual({ base: 'XMR', quote: 'USD' });
    expect(splitKrakenPair('XTZUSD')).toEqual({ base: 'XTZ', quote: 'USD' });
    expect(splitKrakenPair('XBTUSDT')).toBeUndefined();
  });

  it('asks for every pair when Kraken refuses the list over one unknown pair', async () => {
    replay.serve(`/0/public/Ticker?pair=${KRAKEN_PAIRS.join(',')}`, {
      body: fixture('kraken/error-unknown-pair.json'),
    });
    replay.serve('/0/public/Ticker', { body: fixture('kraken/ticker-kassa-pairs.json') });
    const seen = replay.requests.length;
    const table = asTable(
      await new KrakenSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }).fetchPrices(),
    );
    expect(table['BTC/USD']).toBe('59012.4');
    expect(replay.requests.slice(seen)).toEqual([
      `/0/public/Ticker?pair=${KRAKEN_PAIRS.join(',')}`,
      '/0/public/Ticker',
    ]);
  });

  it('reads stablecoin and TRX pairs, whose names carry no X/Z prefixes', async () => {
    replay.serve('/0/public/Ticker', { body: fixture('kraken/ticker-kassa-pairs.json') });
    const table = asTable(
      await new KrakenSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }).fetchPrices(),
    );
    expect(table).toMatchObject({
      'USDT/USD': '1.00012',
      'USDT/EUR': '0.90751',
      'USDC/USD': '0.99996',
      'TRX/USD': '0.141237',
      'ETH/JPY': '386500',
      'BTC/EUR': '53541.1',
    });
  });

  it('fails when Kraken answers with an error list', async () => {
    replay.serve('/0/public/Ticker', { body: fixture('kraken/error-service-unavailable.json') });
    const err = await failure(new KrakenSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }));
    expect(err.message).toBe('Kraken error: EService:Unavailable');
  });

  it('reports the unknown pair when even the full list is refused', async () => {
    replay.serve('/0/public/Ticker', { body: fixture('kraken/error-unknown-pair.json') });
    const err = await failure(new KrakenSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }));
    expect(err.message).toBe('Kraken error: EQuery:Unknown asset pair');
  });
});

describe('Coinbase parsing', () => {
  it('keeps fiat prices, including currencies exchanges rarely quote, and drops coins and metals', async () => {
    replay.serve('/v2/exchange-rates', { body: fixture('coinbase/exchange-rates-btc-2018.json') });
    const table = asTable(
      await new CoinbaseSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }, [
        'BTC',
      ]).fetchPrices(),
    );
    expect(table).toMatchObject({
      'BTC/USD': '4360.6',
      'BTC/UZS': '18194821.53',
      'BTC/KGS': '299195.78',
      'BTC/JPY': '472848',
    });
    expect(table['BTC/ETH']).toBeUndefined();
    expect(table['BTC/XAU']).toBeUndefined();
    expect(replay.requests.at(-1)).toBe('/v2/exchange-rates?currency=BTC');
  });

  it('skips a coin Coinbase does not know (400) and keeps the others', async () => {
    replay.serve('/v2/exchange-rates?currency=BTC', {
      body: fixture('coinbase/exchange-rates-btc-kassa.json'),
    });
    replay.serve('/v2/exchange-rates?currency=TRX', {
      status: 400,
      body: fixture('coinbase/error-invalid-currency.json'),
    });
    const source = new CoinbaseSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }, [
      'BTC',
      'TRX',
    ]);
    const table = asTable(await source.fetchPrices());
    expect(table['BTC/USD']).toBe('59020.01');
    expect(Object.keys(table).some((k) => k.startsWith('TRX/'))).toBe(false);
  });

  it('rejects an answer for a different coin than asked', async () => {
    replay.serve('/v2/exchange-rates?currency=LTC', {
      body: fixture('coinbase/exchange-rates-btc-kassa.json'),
    });
    const err = await failure(
      new CoinbaseSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }, ['LTC']),
    );
    expect(err.message).toContain('answered for BTC instead of LTC');
  });
});

describe('Bitfinex parsing', () => {
  it('reads LAST_PRICE from the raw number text, not through a float', async () => {
    replay.serve('/v2/tickers', { body: fixture('bitfinex/tickers-btc-ltc.json') });
    const table = asTable(
      await new BitfinexSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }).fetchPrices(),
    );
    expect(table).toEqual({ 'BTC/USD': '23227.19664747', 'LTC/USD': '107.18' });
  });

  it('renames UST, UDC and TSD to USDT, USDC and TUSD and ignores funding tickers', async () => {
    replay.serve('/v2/tickers', { body: fixture('bitfinex/tickers-kassa-symbols.json') });
    const table = asTable(
      await new BitfinexSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }).fetchPrices(),
    );
    expect(table).toMatchObject({
      'USDT/USD': '1.0002',
      'USDC/USD': '0.99985',
      'TUSD/USD': '0.9979',
    });
    expect(Object.keys(table).sort()).toEqual(
      ['BTC/EUR', 'BTC/GBP', 'BTC/JPY', 'BTC/USD', 'ETH/EUR', 'ETH/JPY', 'ETH/USD', 'LTC/USD']
        .concat(['TRX/USD', 'TUSD/USD', 'USDC/USD', 'USDT/USD'])
        .sort(),
    );
    replay.serve('/v2/tickers', { body: fixture('bitfinex/tickers-with-funding.json') });
    expect(
      asTable(
        await new BitfinexSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }).fetchPrices(),
      ),
    ).toEqual({
      'BTC/USD': '101550',
    });
  });

  it('fails on a Bitfinex error array', async () => {
    replay.serve('/v2/tickers', { body: fixture('bitfinex/error.json') });
    const err = await failure(new BitfinexSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }));
    expect(err.message).toBe('Bitfinex error: 10020 symbol: invalid');
  });
});
