/**
 * European Central Bank euro reference rates, GET
 * /stats/eurofxref/eurofxref-daily.xml (no key). About 30 currencies per euro,
 * published on TARGET working days; we cross them to US dollars
 * (USD/X = EUR/X / EUR/USD). It lacks RUB, UZS, KGS, KZT, AMD, AZN, BYN, UAH,
 * VND and AED, so it backs up, never replaces, a fuller fiat source.
 */
import type { Clock } from '../app/ports/clock.js';
import { type Decimal, ONE, divDecimal, parseRate } from '../domain/money.js';
import { getText, joinUrl } from './http.js';
import {
  RateSourceError,
  type HttpSourceOptions,
  type RateSource,
  type SourcePrice,
} from './source.js';

export const ECB_URL = 'https://www.ecb.europa.eu';
/** Covers a long weekend plus Easter closing (Thursday's rates stand until Tuesday). */
export const ECB_MAX_DATA_AGE_MS = 6 * 24 * 3600 * 1000;

const DAY_RE = /<Cube\s+time=['"](\d{4}-\d{2}-\d{2})['"]\s*>/;
const RATE_RE = /<Cube\s+currency=['"]([A-Z]{3})['"]\s+rate=['"]([^'"]*)['"]\s*\/?>/g;

export function parseEcbDaily(body: string, now: number, maxDataAgeMs: number): SourcePrice[] {
  if (!body.includes('eurofxref') && !body.includes('gesmes:Envelope')) {
    throw new RateSourceError('malformed response: not the ECB reference rates document');
  }
  const day = DAY_RE.exec(body)?.[1];
  const dayMs = day ? Date.parse(`${day}T00:00:00Z`) : NaN;
  if (!Number.isFinite(dayMs)) throw new RateSourceError('malformed response: no reference day');
  if (now - dayMs > maxDataAgeMs) throw new RateSourceError(`stale data: reference day ${day}`);
  // Only the first (newest) day's block counts.
  const block = body.slice(body.indexOf(day as string));
  const end = block.indexOf('</Cube>');
  const perEuro = new Map<string, Decimal>();
  for (const m of (end >= 0 ? block.slice(0, end) : block).matchAll(RATE_RE)) {
    try {
      perEuro.set(m[1] as string, parseRate(m[2] as string));
    } catch {
      // Skip one unreadable rate.
    }
  }
  const usd = perEuro.get('USD');
  if (!usd) throw new RateSourceError('malformed response: no USD rate to cross through');
  const prices: SourcePrice[] = [{ base: 'USD', quote: 'EUR', rate: divDecimal(ONE, usd) }];
  for (const [code, rate] of perEuro) {
    if (code !== 'USD') prices.push({ base: 'USD', quote: code, rate: divDecimal(rate, usd) });
  }
  return prices;
}

export class EcbSource implements RateSource {
  readonly name = 'ecb';
  constructor(
    private readonly options: HttpSourceOptions,
    private readonly clock: Clock,
    private readonly maxDataAgeMs = ECB_MAX_DATA_AGE_MS,
  ) {}

  async fetchPrices(): Promise<readonly SourcePrice[]> {
    const body = await getText(
      joinUrl(this.options.baseUrl, '/stats/eurofxref/eurofxref-daily.xml'),
      {
        timeoutMs: this.options.timeoutMs,
        accept: 'application/xml, text/xml',
      },
    );
    return parseEcbDaily(body, this.clock.now(), this.maxDataAgeMs);
  }
}
