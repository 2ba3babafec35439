/** Exchange rates as the use cases see them. */

export interface Rate {
  /** Units of `quote` per one unit of `base`, as an exact decimal string. */
  readonly rate: string;
  /** Which source(s) priced it, e.g. 'median(kraken,binance)' or 'fixed'. */
  readonly source: string;
  /** When the underlying price was observed (epoch ms). */
  readonly fetchedAt: number;
}

export interface RateProvider {
  /**
   * Price of one `base` (crypto code, e.g. 'BTC' or 'USDT_TRC20') in `quote`
   * (fiat or crypto code). Throws KassaError('rate_unavailable') naming the pair
   * when no fresh rate exists; never returns a stale one.
   */
  rate(base: string, quote: string): Promise<Rate>;
}
