/**
 * Bitfinex public tickers, GET /v2/tickers?symbols=tBTCUSD,... (no key).
 * Each row is an array of JSON numbers with LAST_PRICE at index 7; the numbers
 * are read as source text so no float rounding enters. Bitfinex calls USDT
 * "UST", USDC "UDC" and TUSD "TSD".
 */
import { parseRate } from '../domain/money.js';
import { getText, joinUrl } from './http.js';
import { numericText, parseJsonExact, type JsonValue } from '../domain/exact-json.js';
import {
  RateSourceError,
  type HttpSourceOptions,
  type RateSource,
  type SourcePrice,
} from './source.js';

export const BITFINEX_URL = 'https://api-pub.bitfinex.com';

export const BITFINEX_SYMBOLS: readonly string[] = [
  'tBTCUSD',
  'tBTCEUR',
  'tBTCGBP',
  'tBTCJPY',
  'tLTCUSD',
  'tETHUSD',
  'tETHEUR',
  'tETHGBP',
  'tETHJPY',
  'tTRXUSD',
  'tTRXEUR',
  'tUSTUSD',
  'tUDCUSD',
  'tTSDUSD',
];

const ALIASES: Record<string, string> = { UST: 'USDT', UDC: 'USDC', TSD: 'TUSD' };
/** Index of LAST_PRICE in a trading-pair ticker row (after the symbol). */
const LAST_PRICE = 7;
const TRADING_ROW_LENGTH = 11;

/** "tBTCUSD" -> BTC/USD, "tTESTBTC:TESTUSD" -> TESTBTC/TESTUSD; funding tickers ("fUSD") -> undefined. */
export function splitBitfinexSymbol(symbol: string): { base: string; quote: string } | undefined {
  if (!symbol.startsWith('t')) return undefined;
  const body = symbol.slice(1);
  const parts = body.includes(':') ? body.split(':') : [body.slice(0, 3), body.slice(3)];
  const [base, quote] = parts;
  if (parts.length !== 2 || !base || !quote) return undefined;
  return { base: ALIASES[base] ?? base, quote: ALIASES[quote] ?? quote };
}

export function parseBitfinexTickers(body: string): SourcePrice[] {
  let doc: JsonValue;
  try {
    doc = parseJsonExact(body);
  } catch (err) {
    throw new RateSourceError(`malformed response: ${(err as Error).message}`);
  }
  if (!Array.isArray(doc)) throw new RateSourceError('malformed response: not an array');
  if (doc[0] === 'error') {
    throw new RateSourceError(
      `Bitfinex error: ${doc
        .slice(1)
        .map((x) => numericText(x) ?? String(x))
        .join(' ')}`,
    );
  }
  const prices: SourcePrice[] = [];
  for (const row of doc) {
    if (!Array.isArray(row) || row.length !== TRADING_ROW_LENGTH || typeof row[0] !== 'string')
      continue;
    const pair = splitBitfinexSymbol(row[0]);
    const text = numericText(row[LAST_PRICE]);
    if (!pair || text === undefined) continue;
    try {
      prices.push({ ...pair, rate: parseRate(text) });
    } catch {
      // A row with a null or zero price is skipped, the rest still count.
    }
  }
  if (prices.length === 0) throw new RateSourceError('no usable prices in response');
  return prices;
}

export class BitfinexSource implements RateSource {
  readonly name = 'bitfinex';
  constructor(
    private readonly options: HttpSourceOptions,
    private readonly symbols: readonly string[] = BITFINEX_SYMBOLS,
  ) {}

  async fetchPrices(): Promise<readonly SourcePrice[]> {
    const url = joinUrl(this.options.baseUrl, `/v2/tickers?symbols=${this.symbols.join(',')}`);
    return parseBitfinexTickers(await getText(url, { timeoutMs: this.options.timeoutMs }));
  }
}
