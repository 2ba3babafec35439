/** What the fiat references read out of recorded answers, via the replay server. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIAT_CURRENCIES } from '../../src/domain/currencies.js';
import { formatDecimal } from '../../src/domain/money.js';
import { EcbSource } from '../../src/rates/ecb.js';
import { ErApiSource } from '../../src/rates/er-api.js';
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
