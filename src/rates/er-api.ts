/**
 * ExchangeRate-API open access, GET /v6/latest/USD (no key): US dollar rates
 * for ~160 currencies, including every fiat Kassa prices in (UZS, KGS, AMD,
 * AZN, BYN, KZT, UAH, VND ...). Rates are JSON numbers, read as source text.
 * Updated once a day; a document older than the bound is refused.
 */
import { parseRate } from '../domain/money.js';
import type { Clock } from '../app/ports/clock.js';
import { getText, joinUrl } from './http.js';
import { isJsonObject, numericText, parseJsonExact, type JsonValue } from '../domain/exact-json.js';
import {
  RateSourceError,
  type HttpSourceOptions,
  type RateSource,
  type SourcePrice,
} from './source.js';

export const ER_API_URL = 'https://open.er-api.com';
/** Published daily; two days allows one missed update. */
export const ER_API_MAX_DATA_AGE_MS = 48 * 3600 * 1000;

export function parseErApiLatest(body: string, now: number, maxDataAgeMs: number): SourcePrice[] {
  let doc: JsonValue;
  try {
    doc = parseJsonExact(body);
  } catch (err) {
    throw new RateSourceError(`malformed response: ${(err as Error).message}`);
  }
  if (!isJsonObject(doc)) throw new RateSourceError('malformed response: not an object');
  if (doc.result !== 'success') {
    throw new RateSourceError(`ExchangeRate-API error: ${String(doc['error-type'] ?? doc.result)}`);
  }
  if (doc.base_code !== 'USD' || !isJsonObject(doc.rates)) {
    throw new RateSourceError('malformed response: no USD "rates"');
  }
  const updated = Number(numericText(doc.time_last_update_unix));
  if (!Number.isFinite(updated)) throw new RateSourceError('malformed response: no update time');
  if (now - updated * 1000 > maxDataAgeMs) {
    throw new RateSourceError(`stale data: last updated ${new Date(updated * 1000).toISOString()}`);
  }
  const prices: SourcePrice[] = [];
  for (const [code, value] of Object.entries(doc.rates)) {
    const text = numericText(value);
    if (!/^[A-Z]{3}$/.test(code) || code === 'USD' || text === undefined) continue;
    try {
      prices.push({ base: 'USD', quote: code, rate: parseRate(text) });
    } catch {
      // Skip one unreadable currency.
    }
  }
  if (prices.length === 0) throw new RateSourceError('no usable rates in response');
  return prices;
}

export class ErApiSource implements RateSource {
  readonly name = 'erapi';
  constructor(
    private readonly options: HttpSourceOptions,
    private readonly clock: Clock,
    private readonly maxDataAgeMs = ER_API_MAX_DATA_AGE_MS,
  ) {}

  async fetchPrices(): Promise<readonly SourcePrice[]> {
    const body = await getText(joinUrl(this.options.baseUrl, '/v6/latest/USD'), {
      timeoutMs: this.options.timeoutMs,
    });
    return parseErApiLatest(body, this.clock.now(), this.maxDataAgeMs);
  }
}
