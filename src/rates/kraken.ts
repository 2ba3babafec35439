/**
 * Kraken public ticker, GET /0/public/Ticker?pair=... (no key). Prices are
 * strings; we take the last trade ("c"[0]). Kraken answers with its own pair
 * names (XXBTZUSD for XBTUSD), which we split back into symbols.
 */
import { parseRate } from '../domain/money.js';
import { getText, joinUrl } from './http.js';
import { isCryptoSymbol } from './symbols.js';
import { isJsonObject, numericText, parseJsonExact, type JsonValue } from '../domain/exact-json.js';
import {
  RateSourceError,
  type HttpSourceOptions,
  type RateSource,
  type SourcePrice,
} from './source.js';

export const KRAKEN_URL = 'https://api.kraken.com';

/**
 * Pairs asked for. Kraken rejects the whole request if one is unknown, so the
 * list holds only long-listed pairs; TUSD is priced by the other sources.
 */
export const KRAKEN_PAIRS: readonly string[] = [
  'XBTUSD',
  'XBTEUR',
  'XBTGBP',
  'XBTJPY',
  'XBTCAD',
  'XBTAUD',
  'LTCUSD',
  'LTCEUR',
  'ETHUSD',
  'ETHEUR',
  'ETHGBP',
  'ETHJPY',
  'USDTUSD',
  'USDTEUR',
  'USDCUSD',
  'USDCEUR',
  'TRXUSD',
  'TRXEUR',
];

const QUOTES = ['USD', 'EUR', 'GBP', 'JPY', 'CAD', 'AUD', 'CHF'];
const ASSET_ALIASES: Record<string, string> = { XBT: 'BTC', XDG: 'DOGE' };
const LEGACY_RE = new RegExp(`^X([A-Z]{3})Z(${QUOTES.join('|')})$`);
const FOUR_LETTER_RE = new RegExp(`^([A-Z]{4})Z(${QUOTES.join('|')})$`);
const PLAIN_RE = new RegExp(`^([A-Z0-9]{2,})(${QUOTES.join('|')})$`);

/**
 * "XXBTZUSD" -> BTC/USD (legacy X/Z-prefixed names), "USDTZUSD" -> USDT/USD,
 * "XTZUSD" -> XTZ/USD, "TRXEUR" -> TRX/EUR; quotes other than fiat -> undefined.
 */
export function splitKrakenPair(key: string): { base: string; quote: string } | undefined {
  const m = LEGACY_RE.exec(key) ?? FOUR_LETTER_RE.exec(key) ?? PLAIN_RE.exec(key);
  if (!m) return undefined;
  const base = m[1] as string;
  return { base: ASSET_ALIASES[base] ?? base, quote: m[2] as string };
}

export function parseKrakenTicker(body: string): SourcePrice[] {
  let doc: JsonValue;
  try {
    doc = parseJsonExact(body);
  } catch (err) {
    throw new RateSourceError(`malformed response: ${(err as Error).message}`);
  }
  if (!isJsonObject(doc)) throw new RateSourceError('malformed response: not an object');
  const errors = doc.error;
  if (Array.isArray(errors) && errors.length > 0) {
    throw new RateSourceError(`Kraken error: ${errors.map((e) => String(e)).join('; ')}`);
  }
  const result = doc.result;
  if (!isJsonObject(result)) throw new RateSourceError('malformed response: no "result"');
  const prices: SourcePrice[] = [];
  for (const [key, ticker] of Object.entries(result)) {
    const pair = splitKrakenPair(key);
    if (!pair || !isJsonObject(ticker) || !Array.isArray(ticker.c)) continue;
    const text = numericText(ticker.c[0]);
    if (text === undefined) continue;
    try {
      prices.push({ ...pair, rate: parseRate(text) });
    } catch {
      // One unreadable ticker does not spoil the others.
    }
  }
  if (prices.length === 0) throw new RateSourceError('no usable prices in response');
  return prices;
}

export class KrakenSource implements RateSource {
  readonly name = 'kraken';
  constructor(
    private readonly options: HttpSourceOptions,
    private readonly pairs: readonly string[] = KRAKEN_PAIRS,
  ) {}

  async fetchPrices(): Promise<readonly SourcePrice[]> {
    const ask = async (query: string) =>
      parseKrakenTicker(
        await getText(joinUrl(this.options.baseUrl, `/0/public/Ticker${query}`), {
          timeoutMs: this.options.timeoutMs,
        }),
      ).filter((p) => isCryptoSymbol(p.base));
    try {
      return await ask(`?pair=${this.pairs.join(',')}`);
    } catch (err) {
      // One delisted pair makes Kraken refuse the whole list; every tradeable
      // pair (no `pair` parameter) still holds the ones that remain.
      if (!(err instanceof RateSourceError) || !err.message.includes('Unknown asset pair'))
        throw err;
      return await ask('');
    }
  }
}
