/**
 * Rates ageing out inside a running Kassa: the exchanges (replayed over real
 * HTTP, wired through the RATE_*_URL variables operators use) stop answering,
 * Kassa's clock moves past RATE_MAX_AGE_SECONDS, and creation answers 503
 * naming the pair while the payment page tells the buyer the rate is
 * unavailable; when the exchanges answer again, so does Kassa.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { fixture, startRateReplay, type RateReplay } from '../support/rate-replay.js';

/** Within a day of the ExchangeRate-API fixture's publication (2024-08-19 00:02 UTC). */
const START = Date.parse('2024-08-19T12:00:00Z');

describe('a pair going stale while Kassa runs', () => {
  let replay: RateReplay;
  let k: TestKassa;
  const clock = { t: START, now: () => clock.t };

  function serveHealthyMarket() {
    replay.reset();
    replay.serve('/0/public/Ticker', { body: fixture('kraken/ticker-kassa-pairs.json') });
    for (const coin of ['BTC', 'LTC', 'ETH', 'USDT', 'USDC', 'TUSD']) {
      replay.serve(`/v2/exchange-rates?currency=${coin}`, {
        body: fixture(`coinbase/exchange-rates-${coin.toLowerCase()}-kassa.json`),
      });
    }
    replay.serve('/v2/tickers', { body: fixture('bitfinex/tickers-kassa-symbols.json') });
    replay.serve('/v6/latest/USD', { body: fixture('erapi/latest-usd-2024-08-19.json') });
  }

  function exchangesDown() {
    replay.reset();
    for (const route of ['/0/public/Ticker', '/v2/exchange-rates', '/v2/tickers', '/v6/latest/USD'])
      replay.serve(route, { status: 502, body: 'Bad Gateway' });
  }

  beforeAll(async () => {
    replay = await startRateReplay();
    serveHealthyMarket();
    k = await startTestKassa(
      {
        RATE_SOURCES: 'kraken,coinbase,bitfinex,erapi',
        RATE_KRAKEN_URL: replay.url,
        RATE_COINBASE_URL: replay.url,
        RATE_BITFINEX_URL: replay.url,
        RATE_ERAPI_URL: replay.url,
        RATE_REFRESH_SECONDS: '60',
        RATE_MAX_AGE_SECONDS: '600',
        RATE_TIMEOUT_MS: '2000',
      },
      { clock },
    );
  });
  afterAll(async () => {
    await k?.stop();
    await replay?.close();
  });

  const create = (body: Record<string, unknown> = {}) =>
    k.api('POST', '/api/v1/invoices', {
      shop_id: k.shopId,
      amount: '100.00',
      currency: 'USD',
      ...body,
    });

  const chooseOnPage = (id: string, currency: string) =>
    fetch(`${k.url}/pay/${id}/currency`, {
      method: 'POST',
      body: new URLSearchParams({ currency }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: k.url },
      redirect: 'manual',
    });

  it('prices a pair while its rate is fresh, answers 503 naming it once stale, and recovers', async () => {
    const fresh = await create({ payment_currency: 'BTC' });
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(201);
    expect(fresh.body.quote).toMatchObject({ currency: 'BTC', rate_source: expect.any(String) });
    // Invoices whose buyer picks the coin later, on the payment page. With a timer the invoice
    // locks every coin's rate at creation; without one the choice prices at the moment it is made.
    const timed = await create({ expires_in: 3600 });
    const open = await create({ expires_in: null });
    expect([timed.status, open.status]).toEqual([201, 201]);
    expect([timed.body.quote, open.body.quote]).toEqual([null, null]);

    exchangesDown();
    // Within the bound the last price still serves.
    clock.t += 300_000;
    expect((await create({ payment_currency: 'BTC' })).status).toBe(201);

    clock.t += 301_000; // 601 s after the price was observed
    const stale = await create({ payment_currency: 'BTC' });
    expect(stale.status).toBe(503);
    expect(stale.body.error).toMatchObject({ code: 'rate_unavailable' });
    expect(stale.body.error.message).toContain('BTC/USD');

    // The page keeps the invoice waiting for a coin and tells the buyer why it cannot price one.
    const page = await chooseOnPage(open.body.id, 'BTC');
    expect(page.status).toBe(503);
    expect(await page.text()).toContain(
      'The exchange rate is unavailable right now. Try again in a minute.',
    );
    expect((await k.api('GET', `/api/v1/invoices/${open.body.id}`)).body).toMatchObject({
      status: 'created',
      quote: null,
    });
    // A rate locked while fresh still serves its invoice.
    expect((await chooseOnPage(timed.body.id, 'BTC')).status).toBe(303);
    expect((await k.api('GET', `/api/v1/invoices/${timed.body.id}`)).body.quote).toMatchObject({
      currency: 'BTC',
      rate: fresh.body.quote.rate,
    });
    // The invoice fixed while fresh keeps its quote.
    expect((await k.api('GET', `/api/v1/invoices/${fresh.body.id}`)).body.quote).toEqual(
      fresh.body.quote,
    );

    serveHealthyMarket();
    clock.t += 120_000;
    await expect.poll(async () => (await create({ payment_currency: 'BTC' })).status).toBe(201);
    const chosen = await chooseOnPage(open.body.id, 'BTC');
    expect(chosen.status).toBe(303);
    expect((await k.api('GET', `/api/v1/invoices/${open.body.id}`)).body.quote).toMatchObject({
      currency: 'BTC',
    });
  });
});
