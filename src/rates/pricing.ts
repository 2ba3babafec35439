/**
 * Pricing a pair from the sources' fresh prices: pure, no I/O, no clock.
 * Direct quotes win per source; otherwise a source's coin/USD price is crossed
 * with the fiat references' USD/fiat; then the candidates are combined by
 * median or first-in-order. Fiat in fiat crosses two USD/fiat references.
 */
import {
  type Decimal,
  ONE,
  deviatesMoreThan,
  divDecimal,
  formatDecimal,
  median,
  mulDecimal,
} from '../domain/money.js';
import { pairKey } from './source.js';
import { isCryptoSymbol } from './symbols.js';

/** One source's latest good answer, already known to be within the staleness bound. */
export interface FreshPrices {
  readonly source: string;
  readonly prices: ReadonlyMap<string, Decimal>;
  readonly fetchedAt: number;
}

export interface PricingPolicy {
  readonly mode: 'median' | 'fallback';
  readonly minSources: number;
  readonly pegs: ReadonlyMap<string, Decimal>;
  readonly pegMaxDeviationPercent: Decimal;
}

export interface Priced {
  readonly rate: Decimal;
  readonly source: string;
  readonly fetchedAt: number;
}

/** Why a pair cannot be priced; becomes the tail of the rate_unavailable message. */
export class Unpriceable extends Error {}

export function pricePair(
  books: readonly FreshPrices[],
  policy: PricingPolicy,
  base: string,
  quote: string,
  now: number,
): Priced {
  return new Pricing(books, policy, now).price(base, quote);
}

class Pricing {
  constructor(
    private readonly books: readonly FreshPrices[],
    private readonly policy: PricingPolicy,
    private readonly now: number,
  ) {}

  price(base: string, quote: string): Priced {
    if (base === quote) return { rate: ONE, source: 'identity', fetchedAt: this.now };
    if (!isCryptoSymbol(base) && !isCryptoSymbol(quote)) {
      // Fiat in fiat: both through the US-dollar references.
      const a = this.usdTo(quote);
      const b = this.usdTo(base);
      return {
        rate: divDecimal(a.rate, b.rate),
        source: `${a.source}/${b.source}`,
        fetchedAt: Math.min(a.fetchedAt, b.fetchedAt),
      };
    }
    if (isCryptoSymbol(quote)) {
      // Crypto priced in crypto: both legs through US dollars.
      const a = this.fiatPrice(base, 'USD');
      const b = this.fiatPrice(quote, 'USD');
      return {
        rate: divDecimal(a.rate, b.rate),
        source: `${a.source}/${b.source}`,
        fetchedAt: Math.min(a.fetchedAt, b.fetchedAt),
      };
    }
    return this.fiatPrice(base, quote);
  }

  private fiatPrice(symbol: string, fiat: string): Priced {
    const peg = this.policy.pegs.get(symbol);
    if (!peg) return this.marketPrice(symbol, fiat);
    // A peg is only trusted while the market agrees with it.
    const market = this.marketPrice(symbol, 'USD');
    if (deviatesMoreThan(market.rate, peg, this.policy.pegMaxDeviationPercent)) {
      throw new Unpriceable(
        `${symbol}/USD market price ${formatDecimal(market.rate)} is more than ` +
          `${formatDecimal(this.policy.pegMaxDeviationPercent)}% off its peg ${formatDecimal(peg)}`,
      );
    }
    const pegged: Priced = {
      rate: peg,
      source: `peg(${market.source})`,
      fetchedAt: market.fetchedAt,
    };
    return fiat === 'USD' ? pegged : cross(pegged, this.usdTo(fiat));
  }

  private marketPrice(symbol: string, fiat: string): Priced {
    const candidates: Priced[] = [];
    let fx: Priced | Unpriceable | undefined;
    for (const book of this.books) {
      const direct = book.prices.get(pairKey(symbol, fiat));
      if (direct) {
        candidates.push({ rate: direct, source: book.source, fetchedAt: book.fetchedAt });
        continue;
      }
      const usd = fiat === 'USD' ? undefined : book.prices.get(pairKey(symbol, 'USD'));
      if (!usd) continue;
      fx ??= attempt(() => this.usdTo(fiat));
      if (fx instanceof Unpriceable) continue;
      candidates.push(cross({ rate: usd, source: book.source, fetchedAt: book.fetchedAt }, fx));
    }
    if (candidates.length === 0 && fx instanceof Unpriceable) throw fx;
    return this.combine(candidates, `${symbol}/${fiat}`);
  }

  /** Units of `fiat` per US dollar from the fiat references. */
  private usdTo(fiat: string): Priced {
    if (fiat === 'USD') return { rate: ONE, source: 'identity', fetchedAt: this.now };
    const candidates: Priced[] = [];
    for (const book of this.books) {
      const rate = book.prices.get(pairKey('USD', fiat));
      if (rate) candidates.push({ rate, source: book.source, fetchedAt: book.fetchedAt });
    }
    return this.combine(candidates, `USD/${fiat}`);
  }

  private combine(candidates: readonly Priced[], what: string): Priced {
    if (candidates.length === 0) throw new Unpriceable(`no source has a fresh ${what} price`);
    const first = candidates[0] as Priced;
    if (this.policy.mode === 'fallback') return first;
    if (candidates.length < this.policy.minSources) {
      throw new Unpriceable(
        `${what}: ${candidates.length} fresh source(s), ${this.policy.minSources} required`,
      );
    }
    if (candidates.length === 1) return first;
    return {
      rate: median(candidates.map((c) => c.rate)),
      source: `median(${candidates.map((c) => c.source).join(',')})`,
      fetchedAt: Math.min(...candidates.map((c) => c.fetchedAt)),
    };
  }
}

function cross(coinUsd: Priced, usdFiat: Priced): Priced {
  return {
    rate: mulDecimal(coinUsd.rate, usdFiat.rate),
    source: `${coinUsd.source}*${usdFiat.source}`,
    fetchedAt: Math.min(coinUsd.fetchedAt, usdFiat.fetchedAt),
  };
}

function attempt(f: () => Priced): Priced | Unpriceable {
  try {
    return f();
  } catch (err) {
    if (err instanceof Unpriceable) return err;
    throw err;
  }
}
