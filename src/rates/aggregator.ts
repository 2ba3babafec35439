/**
 * The RateProvider the use cases call: combines the configured sources (median
 * of the healthy ones, or the first healthy in order), crosses fiat the
 * exchanges do not quote through US dollars, caches each pair for the refresh
 * interval, and refuses to answer from prices older than the staleness bound.
 */
import type { Clock } from '../app/ports/clock.js';
import { Loop } from '../app/loop.js';
import type { Rate, RateProvider } from '../app/ports/rates.js';
import { KassaError } from '../domain/errors.js';
import { type Decimal, formatDecimal, parseRate } from '../domain/money.js';
import {
  Unpriceable,
  pricePair,
  type FreshPrices,
  type Priced,
  type PricingPolicy,
} from './pricing.js';
import { RateSourceError, pairKey, type RateSource } from './source.js';
import { FIAT_CODES, isCryptoSymbol, marketSymbol } from './symbols.js';

export type RateMode = 'median' | 'fallback';

export interface RateAggregatorOptions {
  readonly sources: readonly RateSource[];
  readonly mode: RateMode;
  /** How long a computed pair is served before it is recomputed; also the source poll interval. */
  readonly refreshMs: number;
  /** Prices older than this are never used. */
  readonly maxAgeMs: number;
  readonly clock: Clock;
  /** US-dollar pegs per stablecoin symbol, e.g. {USDT: "1"}; unset = the market price. */
  readonly pegs?: Readonly<Record<string, string>>;
  /** A pegged coin whose market price strays further than this (percent) is not priced. */
  readonly pegMaxDeviationPercent?: string;
  /** Median mode: fewest sources that must agree to price a pair (default 1). */
  readonly minSources?: number;
}

export interface SourceHealth {
  readonly source: string;
  /** Holds prices within the staleness bound and its last attempt succeeded. */
  readonly ok: boolean;
  readonly lastSuccessAt: number | null;
  readonly lastAttemptAt: number | null;
  readonly lastError: string | null;
  readonly lastErrorAt: number | null;
  /** How many prices its last good answer held. */
  readonly prices: number;
}

export interface CachedRate {
  readonly pair: string;
  readonly rate: string;
  readonly source: string;
  readonly fetchedAt: number;
  readonly ageSeconds: number;
  readonly fresh: boolean;
}

interface SourceState {
  readonly source: RateSource;
  prices: ReadonlyMap<string, Decimal>;
  fetchedAt: number | null;
  lastAttemptAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  notBefore: number;
  inflight: Promise<void> | null;
}

interface CacheEntry extends Rate {
  readonly computedAt: number;
  readonly generation: number;
}

export class RateAggregator implements RateProvider {
  private readonly states: SourceState[];
  private readonly cache = new Map<string, CacheEntry>();
  private readonly policy: PricingPolicy;
  /** Bumped on every successful refresh so cached pairs are recomputed from new prices. */
  private generation = 0;
  private poller: Loop | undefined;

  constructor(private readonly options: RateAggregatorOptions) {
    if (options.sources.length === 0) throw new Error('rates: at least one source is required');
    this.states = options.sources.map((source) => ({
      source,
      prices: new Map(),
      fetchedAt: null,
      lastAttemptAt: null,
      lastError: null,
      lastErrorAt: null,
      notBefore: 0,
      inflight: null,
    }));
    this.policy = {
      mode: options.mode,
      minSources: options.minSources ?? 1,
      pegs: new Map(Object.entries(options.pegs ?? {}).map(([s, v]) => [s, parseRate(v)])),
      pegMaxDeviationPercent: parseRate(options.pegMaxDeviationPercent ?? '2'),
    };
  }

  async rate(base: string, quote: string): Promise<Rate> {
    const pair = `${base}/${quote}`;
    const baseSymbol = marketSymbol(base);
    const quoteSymbol = marketSymbol(quote);
    // A catalog fiat is priced only in another fiat (through the US-dollar references).
    const fiatBase = FIAT_CODES.has(baseSymbol) && !isCryptoSymbol(quoteSymbol);
    if (!isCryptoSymbol(baseSymbol) && !fiatBase) {
      throw new KassaError(
        'rate_unavailable',
        `no rate for ${pair}: ${base} is not a payable currency`,
      );
    }
    if (!isCryptoSymbol(quoteSymbol) && !/^[A-Z]{3}$/.test(quoteSymbol)) {
      throw new KassaError('rate_unavailable', `no rate for ${pair}: unknown currency ${quote}`);
    }
    const key = pairKey(baseSymbol, quoteSymbol);
    const now = this.options.clock.now();
    const cached = this.cache.get(key);
    if (
      cached &&
      cached.generation === this.generation &&
      now - cached.computedAt < this.options.refreshMs &&
      now - cached.fetchedAt <= this.options.maxAgeMs
    ) {
      return { rate: cached.rate, source: cached.source, fetchedAt: cached.fetchedAt };
    }
    // Serve from prices still inside the bound while due sources refresh; wait
    // for the refresh only when nothing fresh can price the pair.
    const refreshing = this.refreshDue();
    let result = this.tryPrice(baseSymbol, quoteSymbol);
    if (result instanceof Unpriceable) {
      await refreshing;
      result = this.tryPrice(baseSymbol, quoteSymbol);
    }
    if (result instanceof Unpriceable) {
      throw new KassaError(
        'rate_unavailable',
        `no fresh rate for ${pair}: ${result.message}${this.outageNote()}`,
      );
    }
    const rate: Rate = {
      rate: formatDecimal(result.rate),
      source: result.source,
      fetchedAt: result.fetchedAt,
    };
    this.cache.set(key, {
      ...rate,
      computedAt: this.options.clock.now(),
      generation: this.generation,
    });
    return rate;
  }

  /** Asks every source now (the CLI and tests use this); never throws. */
  async refresh(): Promise<void> {
    await Promise.all(this.states.map((s) => this.refreshSource(s)));
  }

  /** Asks the sources whose refresh interval has passed; never throws. */
  refreshDue(): Promise<void> {
    const now = this.options.clock.now();
    const due = this.states.filter(
      (s) =>
        s.inflight !== null ||
        ((s.lastAttemptAt === null || now - s.lastAttemptAt >= this.options.refreshMs) &&
          now >= s.notBefore),
    );
    return Promise.all(due.map((s) => this.refreshSource(s))).then(() => undefined);
  }

  /** Polls due sources in the background so requests rarely wait for one. */
  start(): void {
    if (this.poller) return;
    this.poller = new Loop({
      intervalMs: Math.max(1000, Math.min(this.options.refreshMs, 60_000)),
      clock: this.options.clock,
      round: () => this.refreshDue(),
    });
    this.poller.start();
  }

  async stop(): Promise<void> {
    await this.poller?.stop();
    this.poller = undefined;
  }

  health(): SourceHealth[] {
    return this.states.map((s) => ({
      source: s.source.name,
      ok: this.isFresh(s) && (s.lastErrorAt === null || (s.fetchedAt ?? 0) >= s.lastErrorAt),
      lastSuccessAt: s.fetchedAt,
      lastAttemptAt: s.lastAttemptAt,
      lastError: s.lastError,
      lastErrorAt: s.lastErrorAt,
      prices: s.prices.size,
    }));
  }

  /** Pairs priced so far, with source and age, for `kassa rates`. */
  snapshot(): CachedRate[] {
    const now = this.options.clock.now();
    return [...this.cache.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([pair, e]) => ({
        pair,
        rate: e.rate,
        source: e.source,
        fetchedAt: e.fetchedAt,
        ageSeconds: Math.max(0, Math.floor((now - e.fetchedAt) / 1000)),
        fresh: now - e.fetchedAt <= this.options.maxAgeMs,
      }));
  }

  private refreshSource(state: SourceState): Promise<void> {
    if (state.inflight) return state.inflight;
    state.lastAttemptAt = this.options.clock.now();
    state.inflight = (async () => {
      try {
        const prices = await state.source.fetchPrices();
        state.prices = new Map(prices.map((p) => [pairKey(p.base, p.quote), p.rate]));
        state.fetchedAt = this.options.clock.now();
        state.notBefore = 0;
        this.generation += 1;
      } catch (err) {
        const now = this.options.clock.now();
        state.lastError = (err as Error).message;
        state.lastErrorAt = now;
        const retryAfter = err instanceof RateSourceError ? err.retryAfterMs : undefined;
        state.notBefore = retryAfter ? now + retryAfter : 0;
      } finally {
        state.inflight = null;
      }
    })();
    return state.inflight;
  }

  private isFresh(state: SourceState, now = this.options.clock.now()): boolean {
    return state.fetchedAt !== null && now - state.fetchedAt <= this.options.maxAgeMs;
  }

  private tryPrice(base: string, quote: string): Priced | Unpriceable {
    const now = this.options.clock.now();
    const books: FreshPrices[] = this.states
      .filter((s) => this.isFresh(s, now))
      .map((s) => ({ source: s.source.name, prices: s.prices, fetchedAt: s.fetchedAt as number }));
    try {
      const priced = pricePair(books, this.policy, base, quote, now);
      if (formatDecimal(priced.rate) === '0') throw new Unpriceable('rate rounds to zero');
      return priced;
    } catch (err) {
      if (err instanceof Unpriceable) return err;
      throw err;
    }
  }

  /** Names the sources that are down, so the error says why, not just what. */
  private outageNote(): string {
    const now = this.options.clock.now();
    const down = this.states
      .filter((s) => !this.isFresh(s, now))
      .map(
        (s) =>
          `${s.source.name}: ${s.lastError ?? (s.fetchedAt === null ? 'no answer yet' : 'stale')}`,
      );
    return down.length > 0 ? ` (${down.join('; ')})` : '';
  }
}
