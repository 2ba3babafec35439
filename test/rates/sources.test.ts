/**
 * Each source's parser and HTTP client against responses in the exact shape
 * the real API returns (test/fixtures/rates), served by a local replay server:
 * normal, API-error, malformed, empty, slow, 429 and 5xx answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIAT_CURRENCIES } from '../../src/domain/currencies.js';
import { formatDecimal } from '../../src/domain/money.js';
import { BitfinexSource } from '../../src/rates/bitfinex.js';
import { CoinbaseSource } from '../../src/rates/coinbase.js';
import { EcbSource } from '../../src/rates/ecb.js';
import { ErApiSource } from '../../src/rates/er-api.js';
import { KRAKEN_PAIRS, KrakenSource, splitKrakenPair } from '../../src/rates/kraken.js';
import { RateSourceError, type RateSource, type SourcePrice } from '../../src/rates/source.js';
import { fixture, startRateReplay, type RateReplay } from '../support/rate-replay.js';

const TIMEOUT_MS = 300;
const AUG_19_2024_NOON = Date.parse('2024-08-19T12:00:00Z');
const SEP_25_2026_NOON = Date.parse('2026-09-25T12:00:00Z');

let replay: RateReplay;
beforeAll(async () => {
  replay = await startRateReplay();
});
afterAll(async () => {
  await replay.close();
});

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

interface SourceCase {
  readonly name: string;
  readonly route: string;
  readonly make: (now?: number) => RateSource;
  readonly normal: string;
  readonly malformed: string;
}

const cases: SourceCase[] = [
  {
    name: 'kraken',
    route: '/0/public/Ticker',
    make: () => new KrakenSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }),
    normal: fixture('kraken/ticker-2019.json'),
    malformed: '{"error":[],"result":{"XXBTZUSD":{"a":["10724.40000","2"',
  },
  {
    name: 'coinbase',
    route: '/v2/exchange-rates',
    make: () => new CoinbaseSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }, ['BTC']),
    normal: fixture('coinbase/exchange-rates-btc-2018.json'),
    malformed: '<html><body>502 Bad Gateway</body></html>',
  },
  {
    name: 'bitfinex',
    route: '/v2/tickers',
    make: () => new BitfinexSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }),
    normal: fixture('bitfinex/tickers-btc-ltc.json'),
    malformed: '[["tBTCUSD",23227,21.79,,]]',
  },
  {
    name: 'erapi',
    route: '/v6/latest/USD',
    make: (now = AUG_19_2024_NOON) =>
      new ErApiSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }, { now: () => now }),
    normal: fixture('erapi/latest-usd-2024-08-19.json'),
    malformed: '{"result":"success","rates":{"EUR":0.90.7}}',
  },
  {
    name: 'ecb',
    route: '/stats/eurofxref/eurofxref-daily.xml',
    make: (now = SEP_25_2026_NOON) =>
      new EcbSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }, { now: () => now }),
    normal: fixture('ecb/eurofxref-daily-2026-09-24.xml'),
    malformed: '<html><body>Maintenance</body></html>',
  },
];

describe.each(cases)('the $name source', (c) => {
  it('reads prices from a normal answer through its HTTP client', async () => {
    replay.serve(c.route, { body: c.normal });
    const prices = await c.make().fetchPrices();
    expect(prices.length).toBeGreaterThan(0);
  });

  it('fails with a clear message on a malformed answer', async () => {
    replay.serve(c.route, { body: c.malformed });
    expect((await failure(c.make())).message).toMatch(/malformed|not the ECB|no usable/);
  });

  it('fails on an empty answer', async () => {
    replay.serve(c.route, { body: '' });
    expect((await failure(c.make())).message).toMatch(/malformed|not the ECB/);
  });

  it('gives up on a slow answer after its timeout', async () => {
    replay.serve(c.route, { body: c.normal, delayMs: TIMEOUT_MS * 4 });
    const started = Date.now();
    const err = await failure(c.make());
    expect(err.message).toContain(`timed out after ${TIMEOUT_MS} ms`);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 4);
  });

  it('reports 429 with the Retry-After the API asked for', async () => {
    replay.serve(c.route, { status: 429, body: '{}', headers: { 'retry-after': '30' } });
    const err = await failure(c.make());
    expect(err.message).toContain('HTTP 429');
    expect(err.retryAfterMs).toBe(30_000);
  });

  it('reports a 5xx answer by its status', async () => {
    replay.serve(c.route, { status: 503, body: '<html>Service Unavailable</html>' });
    const err = await failure(c.make());
    expect(err.message).toContain('HTTP 503');
    expect(err.status).toBe(503);
  });
});

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
    replay.serve(`/0/public/Ticker?pair=${KRAKEN_PAIRS.join(',')}`, {
      body: fixture('kraken/ticker-kassa-pairs.json'),
    });
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

describe('ExchangeRate-API parsing', () => {
  const source = (now: number) =>
    new ErApiSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }, { now: () => now });

  it('covers every fiat currency Kassa prices in, as exact dollar rates', async () => {
    replay.serve('/v6/latest/USD', { body: fixture('erapi/latest-usd-2024-08-19.json') });
    const table = asTable(await source(AUG_19_2024_NOON).fetchPrices());
    for (const { code } of FIAT_CURRENCIES) {
      if (code !== 'USD') expect(table[`USD/${code}`], code).toBeDefined();
    }
    expect(table).toMatchObject({
      'USD/UZS': '12707.572003',
      'USD/KGS': '85.734152',
      'USD/EUR': '0.907539',
      'USD/RUB': '89.378323',
      'USD/JPY': '148.042596',
      'USD/AED': '3.6725',
    });
  });

  it('refuses a document older than two days', async () => {
    replay.serve('/v6/latest/USD', { body: fixture('erapi/latest-usd-2024-08-19.json') });
    const err = await failure(source(AUG_19_2024_NOON + 3 * 24 * 3600 * 1000));
    expect(err.message).toBe('stale data: last updated 2024-08-19T00:02:31.000Z');
  });

  it('fails on the API error document', async () => {
    replay.serve('/v6/latest/USD', { body: fixture('erapi/error-unsupported-code.json') });
    expect((await failure(source(AUG_19_2024_NOON))).message).toBe(
      'ExchangeRate-API error: unsupported-code',
    );
  });
});

describe('ECB parsing', () => {
  const source = (now: number) =>
    new EcbSource({ baseUrl: replay.url, timeoutMs: TIMEOUT_MS }, { now: () => now });

  /** value * divisor, compared with the dividend, all as scaled bigints. */
  function checkQuotient(value: string, dividend: string, divisor: string) {
    const scaled = (s: string, scale: number) => {
      const [i, f = ''] = s.split('.');
      return BigInt(i + f.padEnd(scale, '0'));
    };
    const scale = 40;
    const product = (scaled(value, scale) * scaled(divisor, 10)) / 10n ** 10n;
    const target = scaled(dividend, scale);
    // Rounded down, and short of the exact quotient by less than 10^-20 of a unit.
    expect(product <= target).toBe(true);
    expect(target - product < 10n ** BigInt(scale - 20)).toBe(true);
  }

  it('crosses euro reference rates into dollar rates', async () => {
    replay.serve('/stats/eurofxref/eurofxref-daily.xml', {
      body: fixture('ecb/eurofxref-daily-2026-09-24.xml'),
    });
    const table = asTable(await source(SEP_25_2026_NOON).fetchPrices());
    expect(Object.keys(table)).toHaveLength(29);
    checkQuotient(table['USD/EUR'] as string, '1', '1.1367');
    checkQuotient(table['USD/JPY'] as string, '180.57', '1.1367');
    checkQuotient(table['USD/MYR'] as string, '4.6457', '1.1367');
    expect(table['USD/RUB']).toBeUndefined();
    expect(table['USD/UZS']).toBeUndefined();
  });

  it('refuses reference rates older than six days', async () => {
    replay.serve('/stats/eurofxref/eurofxref-daily.xml', {
      body: fixture('ecb/eurofxref-daily-2026-09-24.xml'),
    });
    const err = await failure(source(Date.parse('2026-10-01T12:00:00Z')));
    expect(err.message).toBe('stale data: reference day 2026-09-24');
  });
});
