/**
 * Each source's parser and HTTP client against responses in the exact shape
 * the real API returns (test/fixtures/rates), served by a local replay server:
 * normal, API-error, malformed, empty, slow, 429 and 5xx answers.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BitfinexSource } from '../../src/rates/bitfinex.js';
import { CoinbaseSource } from '../../src/rates/coinbase.js';
import { EcbSource } from '../../src/rates/ecb.js';
import { ErApiSource } from '../../src/rates/er-api.js';
import { KrakenSource } from '../../src/rates/kraken.js';
import { RateSourceError, type RateSource } from '../../src/rates/source.js';
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
beforeEach(() => replay.reset());

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
