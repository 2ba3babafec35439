/**
 * A rate source: one public price API behind one small interface. Each source
 * returns every price it could read in one round; the aggregator decides which
 * are fresh enough and how to combine them.
 */
import type { Decimal } from '../domain/money.js';

/** One `base` costs `rate` units of `quote` (symbols, e.g. BTC/USD or USD/UZS). */
export interface SourcePrice {
  readonly base: string;
  readonly quote: string;
  readonly rate: Decimal;
}

export interface RateSource {
  /** Stable name used in RATE_SOURCES, in quotes' `source` and in health output. */
  readonly name: string;
  /** Reads current prices; throws RateSourceError when the answer cannot be trusted. */
  fetchPrices(): Promise<readonly SourcePrice[]>;
}

export class RateSourceError extends Error {
  constructor(
    message: string,
    /** Set when the source asked us to back off (HTTP 429 Retry-After). */
    readonly retryAfterMs?: number,
    /** The HTTP status, when the failure was one. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RateSourceError';
  }
}

/** Where a source lives and how long we wait for it. */
export interface HttpSourceOptions {
  readonly baseUrl: string;
  readonly timeoutMs: number;
}

export const pairKey = (base: string, quote: string) => `${base}/${quote}`;
