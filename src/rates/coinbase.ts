/**
 * Coinbase exchange rates, GET /v2/exchange-rates?currency=BTC (no key): one
 * request per coin, answering its price in every currency Coinbase knows,
 * including the fiat currencies exchanges rarely quote (UZS, KGS, AMD...).
 * Rates are strings.
 */
import { parseRate } from '../domain/money.js';
import { getText, joinUrl } from './http.js';
import { isJsonObject, numericText, parseJsonExact, type JsonValue } from '../domain/exact-json.js';
import {
  RateSourceError,
  type HttpSourceOptions,
  type RateSource,
  type SourcePrice,
} from './source.js';
import { CRYPTO_SYMBOLS, FIAT_CODES } from './symbols.js';

export const COINBASE_URL = 'https://api.coinbase.com';

export function parseCoinbaseRates(body: string, currency: string): SourcePrice[] {
  let doc: JsonValue;
  try {
    doc = parseJsonExact(body);
  } catch (err) {
    throw new RateSourceError(`malformed response: ${(err as Error).message}`);
  }
  const data = isJsonObject(doc) ? doc.data : undefined;
  if (!isJsonObject(data) || !isJsonObject(data.rates)) {
    throw new RateSourceError('malformed response: no "data.rates"');
  }
  if (data.currency !== currency) {
    throw new RateSourceError(`answered for ${String(data.currency)} instead of ${currency}`);
  }
  const prices: SourcePrice[] = [];
  for (const [quote, value] of Object.entries(data.rates)) {
    // Coinbase also lists coins and metals here; only fiat prices are wanted.
    if (!FIAT_CODES.has(quote)) continue;
    const text = numericText(value);
    if (text === undefined) continue;
    try {
      prices.push({ base: currency, quote, rate: parseRate(text) });
    } catch {
      // A zero or garbled rate for one currency leaves the others usable.
    }
  }
  if (prices.length === 0) throw new RateSourceError(`no usable prices for ${currency}`);
  return prices;
}

export class CoinbaseSource implements RateSource {
  readonly name = 'coinbase';
  constructor(
    private readonly options: HttpSourceOptions,
    private readonly symbols: readonly string[] = CRYPTO_SYMBOLS,
  ) {}

  async fetchPrices(): Promise<readonly SourcePrice[]> {
    const answers = await Promise.allSettled(this.symbols.map((s) => this.fetchOne(s)));
    const prices: SourcePrice[] = [];
    for (const [i, answer] of answers.entries()) {
      if (answer.status === 'fulfilled') {
        prices.push(...answer.value);
        continue;
      }
      const err = answer.reason as RateSourceError;
      // 400/404 mean "Coinbase does not know this coin": not an outage.
      if (err instanceof RateSourceError && (err.status === 400 || err.status === 404)) continue;
      throw new RateSourceError(
        `${this.symbols[i]}: ${(err as Error).message}`,
        err.retryAfterMs,
        err.status,
      );
    }
    if (prices.length === 0) throw new RateSourceError('no coin was quoted');
    return prices;
  }

  private async fetchOne(symbol: string): Promise<SourcePrice[]> {
    const url = joinUrl(
      this.options.baseUrl,
      `/v2/exchange-rates?currency=${encodeURIComponent(symbol)}`,
    );
    return parseCoinbaseRates(await getText(url, { timeoutMs: this.options.timeoutMs }), symbol);
  }
}
