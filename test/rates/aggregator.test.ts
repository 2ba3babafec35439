/**
 * Aggregation (median, fallback), cross-conversion through USD and stablecoin
 * pegs, with a fake clock and in-memory sources.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock, ScriptedSource, aggregator, rateError } from './aggregator-fakes.js';

describe('median of healthy sources', () => {
  it('takes the middle price of three sources and names them', async () => {
    const clock = new FakeClock();
    const rates = aggregator(
      [
        new ScriptedSource('a', { 'BTC/USD': '60010' }),
        new ScriptedSource('b', { 'BTC/USD': '59990.5' }),
        new ScriptedSource('c', { 'BTC/USD': '60100.25' }),
      ],
      clock,
    );
    expect(await rates.rate('BTC', 'USD')).toEqual({
      rate: '60010',
      source: 'median(a,b,c)',
      fetchedAt: clock.t,
    });
  });

  it('takes the exact mean of the two middle prices of an even count', async () => {
    const rates = aggregator(
      [
        new ScriptedSource('a', { 'ETH/EUR': '2370.91' }),
        new ScriptedSource('b', { 'ETH/EUR': '2371.08' }),
      ],
      new FakeClock(),
    );
    expect((await rates.rate('ETH', 'EUR')).rate).toBe('2370.995');
  });

  it('leaves out a failing source and prices from the rest', async () => {
    const down = new ScriptedSource('a', {});
    down.failWith('HTTP 503 Service Unavailable');
    const rates = aggregator(
      [
        down,
        new ScriptedSource('b', { 'LTC/USD': '61.2' }),
        new ScriptedSource('c', { 'LTC/USD': '61.25' }),
      ],
      new FakeClock(),
    );
    expect(await rates.rate('LTC', 'USD')).toMatchObject({ rate: '61.225', source: 'median(b,c)' });
  });

  it('refuses to price with fewer sources than required', async () => {
    const rates = aggregator(
      [new ScriptedSource('a', { 'BTC/USD': '60000' }), new ScriptedSource('b', {})],
      new FakeClock(),
      { minSources: 2 },
    );
    const err = await rateError(rates.rate('BTC', 'USD'));
    expect(err.message).toContain(
      'no fresh rate for BTC/USD: BTC/USD: 1 fresh source(s), 2 required',
    );
  });
});

describe('ordered fallback', () => {
  it('uses the first source in order that has the pair', async () => {
    const first = new ScriptedSource('kraken', { 'BTC/USD': '60000' });
    const second = new ScriptedSource('coinbase', { 'BTC/USD': '60500', 'BTC/UZS': '760000000' });
    const clock = new FakeClock();
    const rates = aggregator([first, second], clock, { mode: 'fallback' });
    expect(await rates.rate('BTC', 'USD')).toMatchObject({ rate: '60000', source: 'kraken' });
    // kraken does not quote UZS and no fiat reference is configured: coinbase's direct price.
    expect(await rates.rate('BTC', 'UZS')).toMatchObject({ rate: '760000000', source: 'coinbase' });

    first.failWith('timed out after 5000 ms');
    clock.advance(61);
    await rates.refresh();
    clock.advance(600);
    expect(await rates.rate('BTC', 'USD')).toMatchObject({ rate: '60500', source: 'coinbase' });
  });
});

describe('cross-conversion through US dollars', () => {
  it('prices a fiat the exchange does not quote as coin/USD x USD/fiat', async () => {
    const rates = aggregator(
      [
        new ScriptedSource('kraken', { 'BTC/USD': '59012.4' }),
        new ScriptedSource('erapi', { 'USD/UZS': '12707.572003' }),
      ],
      new FakeClock(),
    );
    // 59012.4 x 12707.572003 = 749904322.0698372 exactly
    expect(await rates.rate('BTC', 'UZS')).toMatchObject({
      rate: '749904322.0698372',
      source: 'kraken*erapi',
    });
  });

  it("prefers a source's direct quote over its cross", async () => {
    const rates = aggregator(
      [
        new ScriptedSource('kraken', { 'BTC/USD': '59012.4', 'BTC/EUR': '53541.1' }),
        new ScriptedSource('erapi', { 'USD/EUR': '0.907539' }),
      ],
      new FakeClock(),
    );
    expect(await rates.rate('BTC', 'EUR')).toMatchObject({ rate: '53541.1', source: 'kraken' });
  });

  it('takes the median of the fiat references before crossing', async () => {
    const rates = aggregator(
      [
        new ScriptedSource('bitfinex', { 'ETH/USD': '2600' }),
        new ScriptedSource('erapi', { 'USD/RUB': '89.4' }),
        new ScriptedSource('other', { 'USD/RUB': '89.6' }),
      ],
      new FakeClock(),
    );
    // 2600 x (89.4 + 89.6) / 2 = 2600 x 89.5
    expect(await rates.rate('ETH', 'RUB')).toMatchObject({
      rate: '232700',
      source: 'bitfinex*median(erapi,other)',
    });
  });

  it('prices one coin in another through their dollar prices', async () => {
    const rates = aggregator(
      [new ScriptedSource('a', { 'ETH/USD': '2612.57', 'BTC/USD': '59012.4' })],
      new FakeClock(),
    );
    const r = await rates.rate('ETH', 'BTC');
    // 2612.57 / 59012.4 = 0.044271542929960482881563871... to 24 significant digits, rounded down
    expect(r).toMatchObject({ rate: '0.04427154292996048288156387', source: 'a/a' });
  });

  it('names the missing fiat reference when nothing can cross', async () => {
    const rates = aggregator(
      [new ScriptedSource('kraken', { 'BTC/USD': '60000' })],
      new FakeClock(),
    );
    const err = await rateError(rates.rate('BTC', 'KGS'));
    expect(err.message).toContain('no fresh rate for BTC/KGS: no source has a fresh USD/KGS price');
  });
});

describe('tokens and stablecoins', () => {
  it('prices USDT on both networks by the USDT market, not 1:1', async () => {
    const rates = aggregator(
      [new ScriptedSource('kraken', { 'USDT/USD': '1.00012' })],
      new FakeClock(),
    );
    expect((await rates.rate('USDT_TRC20', 'USD')).rate).toBe('1.00012');
    expect((await rates.rate('USDT_ERC20', 'USD')).rate).toBe('1.00012');
  });

  it('uses a configured peg while the market stays within the deviation', async () => {
    const rates = aggregator(
      [
        new ScriptedSource('kraken', { 'USDC/USD': '0.99996' }),
        new ScriptedSource('erapi', { 'USD/EUR': '0.907539' }),
      ],
      new FakeClock(),
      { pegs: { USDC: '1' }, pegMaxDeviationPercent: '1' },
    );
    expect(await rates.rate('USDC_ERC20', 'USD')).toMatchObject({
      rate: '1',
      source: 'peg(kraken)',
    });
    expect(await rates.rate('USDC_TRC20', 'EUR')).toMatchObject({
      rate: '0.907539',
      source: 'peg(kraken)*erapi',
    });
  });

  it('refuses a pegged coin whose market price left the band', async () => {
    const rates = aggregator(
      [new ScriptedSource('kraken', { 'TUSD/USD': '0.9788' })],
      new FakeClock(),
      {
        pegs: { TUSD: '1' },
        pegMaxDeviationPercent: '2',
      },
    );
    const err = await rateError(rates.rate('TUSD_TRC20', 'USD'));
    expect(err.message).toContain(
      'no fresh rate for TUSD_TRC20/USD: TUSD/USD market price 0.9788 is more than 2% off its peg 1',
    );
  });
});

describe('refusals', () => {
  it('refuses a base that is not a payable currency', async () => {
    const rates = aggregator([new ScriptedSource('a', { 'DOGE/USD': '0.1' })], new FakeClock());
    const err = await rateError(rates.rate('DOGE', 'USD'));
    expect(err.message).toBe('no rate for DOGE/USD: DOGE is not a payable currency');
  });
});
