/** A fake clock and in-memory sources for aggregation tests. */
import { expect } from 'vitest';
import { KassaError } from '../../src/domain/errors.js';
import { RateAggregator, type RateAggregatorOptions } from '../../src/rates/aggregator.js';
import { parseRate } from '../../src/domain/money.js';
import { RateSourceError, type RateSource, type SourcePrice } from '../../src/rates/source.js';

export class FakeClock {
  constructor(public t = Date.parse('2026-11-23T12:00:00Z')) {}
  now = () => this.t;
  advance(seconds: number) {
    this.t += seconds * 1000;
  }
}

/** A source whose next answer the test sets: prices, or an error. */
export class ScriptedSource implements RateSource {
  calls = 0;
  private answer: Record<string, string> | RateSourceError;
  constructor(
    readonly name: string,
    prices: Record<string, string>,
  ) {
    this.answer = prices;
  }
  answerWith(prices: Record<string, string>) {
    this.answer = prices;
  }
  failWith(message: string, retryAfterMs?: number) {
    this.answer = new RateSourceError(message, retryAfterMs);
  }
  fetchPrices(): Promise<readonly SourcePrice[]> {
    this.calls += 1;
    const answer = this.answer;
    if (answer instanceof RateSourceError) return Promise.reject(answer);
    return Promise.resolve(
      Object.entries(answer).map(([pair, rate]) => {
        const [base, quote] = pair.split('/') as [string, string];
        return { base, quote, rate: parseRate(rate) };
      }),
    );
  }
}

export function aggregator(
  sources: RateSource[],
  clock: FakeClock,
  more: Partial<RateAggregatorOptions> = {},
): RateAggregator {
  return new RateAggregator({
    sources,
    mode: 'median',
    refreshMs: 60_000,
    maxAgeMs: 600_000,
    clock,
    ...more,
  });
}

export async function rateError(p: Promise<unknown>): Promise<KassaError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KassaError);
  expect((err as KassaError).code).toBe('rate_unavailable');
  return err as KassaError;
}
