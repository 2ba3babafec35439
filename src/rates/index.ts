/** Builds the RateProvider from configuration: which sources, in which order, how combined. */
import { systemClock, type Clock } from '../app/ports/clock.js';
import type { Config } from '../config.js';
import { RateAggregator } from './aggregator.js';
import { BITFINEX_URL, BitfinexSource } from './bitfinex.js';
import { COINBASE_URL, CoinbaseSource } from './coinbase.js';
import { ECB_URL, EcbSource } from './ecb.js';
import { ER_API_URL, ErApiSource } from './er-api.js';
import { FixedSource } from './fixed.js';
import { KRAKEN_URL, KrakenSource } from './kraken.js';
import type { RateSource } from './source.js';
import { STABLECOIN_SYMBOLS } from './symbols.js';

export { RateAggregator } from './aggregator.js';
export type { CachedRate, RateAggregatorOptions, SourceHealth } from './aggregator.js';
export type { RateSource, SourcePrice } from './source.js';
export { parseFixedRates } from './fixed.js';

export const RATE_SOURCE_NAMES = [
  'kraken',
  'coinbase',
  'bitfinex',
  'erapi',
  'ecb',
  'fixed',
] as const;
export type RateSourceName = (typeof RATE_SOURCE_NAMES)[number];
type HttpSourceName = Exclude<RateSourceName, 'fixed'>;

export const DEFAULT_BASE_URLS: Readonly<Record<HttpSourceName, string>> = {
  kraken: KRAKEN_URL,
  coinbase: COINBASE_URL,
  bitfinex: BITFINEX_URL,
  erapi: ER_API_URL,
  ecb: ECB_URL,
};

export const DEFAULT_TIMEOUT_MS = 5000;

export interface RateProviderOptions {
  readonly clock?: Clock;
  /** Per-source base URLs (tests point them at a local replay server). */
  readonly baseUrls?: Partial<Record<HttpSourceName, string>>;
  readonly timeoutMs?: number;
  /** Price USDT, USDC and TUSD at 1 USD while their market price stays within the deviation. */
  readonly stablecoinPeg?: boolean;
  readonly pegMaxDeviationPercent?: string;
  readonly minSources?: number;
}

/**
 * Settings not (yet) in src/config.ts; read when present so adding them to the
 * schema is all it takes.
 */
interface OptionalRateSettings {
  RATE_TIMEOUT_MS?: number;
  RATE_KRAKEN_URL?: string;
  RATE_COINBASE_URL?: string;
  RATE_BITFINEX_URL?: string;
  RATE_ERAPI_URL?: string;
  RATE_ECB_URL?: string;
  RATE_STABLECOIN_PEG?: boolean;
  RATE_PEG_MAX_DEVIATION_PERCENT?: string;
  RATE_MIN_SOURCES?: number;
}

/** Parses RATE_SOURCES ("kraken,coinbase,erapi"); throws naming an unknown source. */
export function parseRateSources(text: string): RateSourceName[] {
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
  if (names.length === 0) throw new Error('RATE_SOURCES: name at least one source');
  for (const name of names) {
    if (!(RATE_SOURCE_NAMES as readonly string[]).includes(name)) {
      throw new Error(
        `RATE_SOURCES: unknown source "${name}" (known: ${RATE_SOURCE_NAMES.join(', ')})`,
      );
    }
  }
  return [...new Set(names)] as RateSourceName[];
}

export function createRateProvider(config: Config, opts: RateProviderOptions = {}): RateAggregator {
  const extra = config as Config & OptionalRateSettings;
  const clock = opts.clock ?? systemClock;
  const timeoutMs = opts.timeoutMs ?? extra.RATE_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS;
  const configuredUrls: Partial<Record<HttpSourceName, string>> = {
    kraken: extra.RATE_KRAKEN_URL,
    coinbase: extra.RATE_COINBASE_URL,
    bitfinex: extra.RATE_BITFINEX_URL,
    erapi: extra.RATE_ERAPI_URL,
    ecb: extra.RATE_ECB_URL,
  };
  const url = (name: HttpSourceName) =>
    opts.baseUrls?.[name] ?? configuredUrls[name] ?? DEFAULT_BASE_URLS[name];

  const sources: RateSource[] = parseRateSources(config.RATE_SOURCES).map((name) => {
    switch (name) {
      case 'kraken':
        return new KrakenSource({ baseUrl: url('kraken'), timeoutMs });
      case 'coinbase':
        return new CoinbaseSource({ baseUrl: url('coinbase'), timeoutMs });
      case 'bitfinex':
        return new BitfinexSource({ baseUrl: url('bitfinex'), timeoutMs });
      case 'erapi':
        return new ErApiSource({ baseUrl: url('erapi'), timeoutMs }, clock);
      case 'ecb':
        return new EcbSource({ baseUrl: url('ecb'), timeoutMs }, clock);
      case 'fixed':
        return FixedSource.fromJson(config.RATES_FIXED);
    }
  });

  const peg = opts.stablecoinPeg ?? extra.RATE_STABLECOIN_PEG ?? false;
  return new RateAggregator({
    sources,
    mode: config.RATE_MODE,
    refreshMs: config.RATE_REFRESH_SECONDS * 1000,
    maxAgeMs: config.RATE_MAX_AGE_SECONDS * 1000,
    clock,
    pegs: peg ? Object.fromEntries(STABLECOIN_SYMBOLS.map((s) => [s, '1'])) : undefined,
    pegMaxDeviationPercent: opts.pegMaxDeviationPercent ?? extra.RATE_PEG_MAX_DEVIATION_PERCENT,
    minSources: opts.minSources ?? extra.RATE_MIN_SOURCES,
  });
}
export { ratesReady, registerRateMetrics } from './health.js';
