/** The per-pair cache, the staleness bound, back-off, health and snapshot, on a fake clock. */
import { describe, expect, it } from 'vitest';
import { FakeClock, ScriptedSource, aggregator, rateError } from './aggregator-fakes.js';

describe('cache and staleness', () => {
  it('serves a pair from cache within the refresh interval and asks again after it', async () => {
    const clock = new FakeClock();
    const source = new ScriptedSource('a', { 'BTC/USD': '60000' });
    const rates = aggregator([source], clock);
    await rates.rate('BTC', 'USD');
    source.answerWith({ 'BTC/USD': '61000' });
    clock.advance(59);
    expect((await rates.rate('BTC', 'USD')).rate).toBe('60000');
    expect(source.calls).toBe(1);
    clock.advance(2);
    await rates.refreshDue();
    expect(await rates.rate('BTC', 'USD')).toMatchObject({ rate: '61000', fetchedAt: clock.t });
    expect(source.calls).toBe(2);
  });

  it('keeps serving the last price while it is younger than the bound, never after', async () => {
    const clock = new FakeClock();
    const source = new ScriptedSource('kraken', { 'BTC/USD': '60000' });
    const rates = aggregator([source], clock);
    const first = await rates.rate('BTC', 'USD');
    source.failWith('HTTP 502 Bad Gateway');

    clock.advance(300);
    await rates.refreshDue();
    expect(await rates.rate('BTC', 'USD')).toEqual(first);

    clock.advance(301); // 601 s after the price was observed
    const err = await rateError(rates.rate('BTC', 'USD'));
    expect(err.message).toBe(
      'no fresh rate for BTC/USD: no source has a fresh BTC/USD price (kraken: HTTP 502 Bad Gateway)',
    );
  });

  it('asks concurrent callers one request, not one each', async () => {
    const source = new ScriptedSource('a', { 'BTC/USD': '60000', 'ETH/USD': '2600' });
    const rates = aggregator([source], new FakeClock());
    await Promise.all([
      rates.rate('BTC', 'USD'),
      rates.rate('ETH', 'USD'),
      rates.rate('BTC', 'USD'),
    ]);
    expect(source.calls).toBe(1);
  });

  it('waits out a Retry-After before asking a rate-limited source again', async () => {
    const clock = new FakeClock();
    const source = new ScriptedSource('a', {});
    source.failWith('HTTP 429 Too Many Requests', 300_000);
    const rates = aggregator([source], clock);
    await rateError(rates.rate('BTC', 'USD'));
    source.answerWith({ 'BTC/USD': '60000' });
    clock.advance(120);
    await rateError(rates.rate('BTC', 'USD'));
    expect(source.calls).toBe(1);
    clock.advance(181);
    expect((await rates.rate('BTC', 'USD')).rate).toBe('60000');
    expect(source.calls).toBe(2);
  });
});

describe('health and snapshot', () => {
  it('reports each source with its last success and last error', async () => {
    const clock = new FakeClock();
    const good = new ScriptedSource('kraken', { 'BTC/USD': '60000' });
    const bad = new ScriptedSource('coinbase', {});
    bad.failWith('timed out after 5000 ms');
    const rates = aggregator([good, bad], clock);
    const started = clock.t;
    await rates.refresh();
    clock.advance(10);
    expect(rates.health()).toEqual([
      {
        source: 'kraken',
        ok: true,
        lastSuccessAt: started,
        lastAttemptAt: started,
        lastError: null,
        lastErrorAt: null,
        prices: 1,
      },
      {
        source: 'coinbase',
        ok: false,
        lastSuccessAt: null,
        lastAttemptAt: started,
        lastError: 'timed out after 5000 ms',
        lastErrorAt: started,
        prices: 0,
      },
    ]);
    clock.advance(600);
    expect(rates.health()[0]?.ok).toBe(false);
  });

  it('lists priced pairs with source and age', async () => {
    const clock = new FakeClock();
    const rates = aggregator(
      [new ScriptedSource('kraken', { 'BTC/USD': '60000', 'TRX/USD': '0.141237' })],
      clock,
    );
    await rates.rate('BTC', 'USD');
    await rates.rate('TRX', 'USD');
    clock.advance(42);
    expect(rates.snapshot()).toEqual([
      {
        pair: 'BTC/USD',
        rate: '60000',
        source: 'kraken',
        fetchedAt: clock.t - 42_000,
        ageSeconds: 42,
        fresh: true,
      },
      {
        pair: 'TRX/USD',
        rate: '0.141237',
        source: 'kraken',
        fetchedAt: clock.t - 42_000,
        ageSeconds: 42,
        fresh: true,
      },
    ]);
  });
});
