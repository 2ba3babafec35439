/**
 * The configured provider against replayed Kraken, Coinbase, Bitfinex and
 * ExchangeRate-API answers (one local server, real HTTP client): median of
 * healthy sources, fallback when one is down or slow, and the clear
 * rate_unavailable error naming the pair when all are down.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { KassaError } from '../../src/domain/errors.js';
import { createRateProvider } from '../../src/rates/index.js';
import { fixture, startRateReplay, type RateReplay } from '../support/rate-replay.js';

const SOURCES = 'kraken,coinbase,bitfinex,erapi';
/** Within a day of the ExchangeRate-API fixture's publication (2024-08-19 00:02 UTC). */
const START = Date.parse('2024-08-19T12:00:00Z');
const TIMEOUT_MS = 400;

let replay: RateReplay;
beforeAll(async () => {
  replay = await startRateReplay();
});
afterAll(async () => {
  await replay.close();
});

function serveHealthyMarket() {
  replay.serve('/0/public/Ticker', { body: fixture('kraken/ticker-kassa-pairs.json') });
  for (const coin of ['BTC', 'LTC', 'ETH', 'USDT', 'USDC', 'TUSD']) {
    replay.serve(`/v2/exchange-rates?currency=${coin}`, {
      body: fixture(`coinbase/exchange-rates-${coin.toLowerCase()}-kassa.json`),
    });
  }
  replay.serve('/v2/exchange-rates?currency=TRX', {
    status: 400,
    body: fixture('coinbase/error-invalid-currency.json'),
  });
  replay.serve('/v2/tickers', { body: fixture('bitfinex/tickers-kassa-symbols.json') });
  replay.serve('/v6/latest/USD', { body: fixture('erapi/latest-usd-2024-08-19.json') });
}

function provider(mode: 'median' | 'fallback' = 'median') {
  const clock = { t: START, now: () => clock.t };
  const rates = createRateProvider(
    loadConfig({
      RATE_SOURCES: SOURCES,
      RATE_MODE: mode,
      RATE_REFRESH_SECONDS: '60',
      RATE_MAX_AGE_SECONDS: '600',
    }),
    {
      clock,
      timeoutMs: TIMEOUT_MS,
      baseUrls: {
        kraken: replay.url,
        coinbase: replay.url,
        bitfinex: replay.url,
        erapi: replay.url,
      },
    },
  );
  return { rates, clock };
}

beforeEach(() => serveHealthyMarket());

describe('with every source healthy', () => {
  it('prices BTC in USD as the median of the three exchanges', async () => {
    const { rates } = provider();
    // kraken 59012.4, coinbase 59020.01, bitfinex 59005
    expect(await rates.rate('BTC', 'USD')).toMatchObject({
      rate: '59012.4',
      source: 'median(kraken,coinbase,bitfinex)',
      fetchedAt: START,
    });
  });

  it('prices BTC in UZS from crosses through USD and Coinbase’s direct quote', async () => {
    const { rates } = provider();
    // kraken 59012.4 x 12707.572003 = 749904322.0698372
    // coinbase direct 750001026.69; bitfinex 59005 x 12707.572003 = 749810286.037015
    expect(await rates.rate('BTC', 'UZS')).toMatchObject({
      rate: '749904322.0698372',
      source: 'median(kraken*erapi,coinbase,bitfinex*erapi)',
    });
  });

  it('prices USDT on TRON in RUB from the USDT market', async () => {
    const { rates } = provider();
    // kraken 1.00012 x 89.378323 = 89.38904839876; coinbase 89.387261; bitfinex 89.3961986646
    expect((await rates.rate('USDT_TRC20', 'RUB')).rate).toBe('89.38904839876');
  });

  it('prices TRX although Coinbase does not list it', async () => {
    const { rates } = provider();
    // kraken 0.141237, bitfinex 0.14126: mean of two
    expect(await rates.rate('TRX', 'USD')).toMatchObject({
      rate: '0.1412485',
      source: 'median(kraken,bitfinex)',
    });
    expect(rates.health().map((h) => [h.source, h.ok])).toEqual([
      ['kraken', true],
      ['coinbase', true],
      ['bitfinex', true],
      ['erapi', true],
    ]);
  });
});

describe('when a source is down', () => {
  it('prices from the remaining sources and shows the outage in health', async () => {
    replay.serve('/0/public/Ticker', { status: 503, body: '<html>503 Service Unavailable</html>' });
    const { rates } = provider();
    // (59020.01 + 59005) / 2
    expect(await rates.rate('BTC', 'USD')).toMatchObject({
      rate: '59012.505',
      source: 'median(coinbase,bitfinex)',
    });
    // (750001026.69 + 749810286.037015) / 2
    expect((await rates.rate('BTC', 'UZS')).rate).toBe('749905656.3635075');
    const kraken = rates.health().find((h) => h.source === 'kraken');
    expect(kraken).toMatchObject({
      ok: false,
      lastSuccessAt: null,
      lastError: 'HTTP 503 Service Unavailable',
    });
  });

  it('falls back to the next source in order in fallback mode', async () => {
    replay.serve('/0/public/Ticker', {
      status: 429,
      body: '{}',
      headers: { 'retry-after': '120' },
    });
    const { rates } = provider('fallback');
    expect(await rates.rate('BTC', 'USD')).toMatchObject({ rate: '59020.01', source: 'coinbase' });
  });

  it('does not wait for a slow source beyond its timeout', async () => {
    replay.serve('/v2/tickers', {
      body: fixture('bitfinex/tickers-kassa-symbols.json'),
      delayMs: TIMEOUT_MS * 5,
    });
    const { rates } = provider();
    expect(await rates.rate('ETH', 'USD')).toMatchObject({ source: 'median(kraken,coinbase)' });
    expect(rates.health().find((h) => h.source === 'bitfinex')?.lastError).toBe(
      `timed out after ${TIMEOUT_MS} ms`,
    );
  });
});

describe('when every source is down', () => {
  it('fails with rate_unavailable naming the pair once the last prices are too old', async () => {
    const { rates, clock } = provider();
    expect((await rates.rate('BTC', 'UZS')).rate).toBe('749904322.0698372');

    for (const route of [
      '/0/public/Ticker',
      '/v2/exchange-rates',
      '/v2/tickers',
      '/v6/latest/USD',
    ]) {
      replay.serve(route, { status: 502, body: 'Bad Gateway' });
    }
    for (const coin of ['BTC', 'LTC', 'ETH', 'TRX', 'USDT', 'USDC', 'TUSD']) {
      replay.serve(`/v2/exchange-rates?currency=${coin}`, { status: 502, body: 'Bad Gateway' });
    }
    clock.t += 601_000;
    const err = await rates.rate('BTC', 'UZS').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KassaError);
    expect((err as KassaError).code).toBe('rate_unavailable');
    expect((err as KassaError).message).toBe(
      'no fresh rate for BTC/UZS: no source has a fresh BTC/UZS price ' +
        '(kraken: HTTP 502 Bad Gateway; coinbase: USDT: HTTP 502 Bad Gateway; ' +
        'bitfinex: HTTP 502 Bad Gateway; erapi: HTTP 502 Bad Gateway)',
    );
    expect(rates.health().every((h) => !h.ok)).toBe(true);
  });
});
