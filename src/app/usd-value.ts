/**
 * US-dollar values shown beside an invoice (CryptoCloud's `amount_usd` and
 * kin), priced by the rate provider like every other conversion. Null when no
 * fresh rate exists. One instance per request: rates are asked once each.
 */
import type { CryptoCurrency } from '../domain/currencies.js';
import { cryptoCurrency } from '../domain/currencies.js';
import { convert, parseExact, unitsToPrice, type Decimal } from '../domain/money.js';
import type { RateProvider } from './ports/rates.js';

const ZERO: Decimal = { units: 0n, scale: 0 };

export class UsdValues {
  private readonly cache = new Map<string, Promise<Decimal | null>>();

  constructor(private readonly rates: RateProvider) {}

  private rate(base: string): Promise<Decimal | null> {
    let r = this.cache.get(base);
    if (!r) {
      r = this.rates.rate(base, 'USD').then(
        (x) => parseExact(x.rate),
        () => null,
      );
      this.cache.set(base, r);
    }
    return r;
  }

  /** A price in `currency` (fiat, or crypto for static-wallet payments) in USD, to the nearest cent. */
  async ofPrice(amount: string, currency: string): Promise<Decimal | null> {
    if (currency === 'USD') return parseExact(amount);
    const c = cryptoCurrency(currency);
    if (c) return this.ofUnits(priceUnits(amount, c), c);
    const r = await this.rate(currency);
    return r ? convert(parseExact(amount), r, 2, 'nearest') : null;
  }

  /** Smallest units of crypto `c` in USD, rounded down to the cent. */
  async ofUnits(units: bigint, c: CryptoCurrency): Promise<Decimal | null> {
    if (units === 0n) return ZERO;
    const r = await this.rate(c.code);
    return r ? unitsToPrice(units, c.decimals, r, 2) : null;
  }
}

/** A crypto price in smallest units; digits past the currency's precision are dropped. */
function priceUnits(amount: string, c: CryptoCurrency): bigint {
  const d = parseExact(amount);
  return d.scale <= c.decimals
    ? d.units * 10n ** BigInt(c.decimals - d.scale)
    : d.units / 10n ** BigInt(d.scale - c.decimals);
}
