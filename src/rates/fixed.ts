/**
 * Rates from configuration (RATES_FIXED), for tests and test mode:
 * {"BTC/USD":"60000","USDT/USD":"1","USD/UZS":"12650"}. Crypto keys may use a
 * currency code (USDT_TRC20) or its market symbol (USDT); fiat references are
 * written USD/<fiat>. Numbers are kept exact whether written as strings or not.
 */
import { parseRate } from '../domain/money.js';
import { JsonNumber, isJsonObject, numericText, parseJsonExact } from '../domain/exact-json.js';
import type { RateSource, SourcePrice } from './source.js';
import { marketSymbol } from './symbols.js';

const KEY_RE = /^([A-Z0-9]+(?:_[A-Z0-9]+)?)\/([A-Z0-9]+(?:_[A-Z0-9]+)?)$/;

/** Parses RATES_FIXED; throws an Error naming the bad entry. */
export function parseFixedRates(json: string): SourcePrice[] {
  let doc;
  try {
    doc = parseJsonExact(json);
  } catch (err) {
    throw new Error(`RATES_FIXED: ${(err as Error).message}`, { cause: err });
  }
  if (!isJsonObject(doc)) throw new Error('RATES_FIXED: must be a JSON object');
  const prices: SourcePrice[] = [];
  for (const [key, value] of Object.entries(doc)) {
    const m = KEY_RE.exec(key);
    const text =
      typeof value === 'string' || value instanceof JsonNumber ? numericText(value) : undefined;
    if (!m || text === undefined) {
      throw new Error(`RATES_FIXED: ${JSON.stringify(key)} must look like "BTC/USD": "60000"`);
    }
    try {
      prices.push({
        base: marketSymbol(m[1] as string),
        quote: marketSymbol(m[2] as string),
        rate: parseRate(text),
      });
    } catch (err) {
      throw new Error(`RATES_FIXED: ${key}: ${(err as Error).message}`, { cause: err });
    }
  }
  return prices;
}

export class FixedSource implements RateSource {
  readonly name = 'fixed';
  constructor(private readonly prices: readonly SourcePrice[]) {}

  static fromJson(json: string | undefined): FixedSource {
    return new FixedSource(json ? parseFixedRates(json) : []);
  }

  fetchPrices(): Promise<readonly SourcePrice[]> {
    return Promise.resolve(this.prices);
  }
}
