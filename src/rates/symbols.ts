/** Which tickers the sources are asked about, derived from the currency catalog. */
import { CRYPTO_CURRENCIES, FIAT_CURRENCIES, cryptoCurrency } from '../domain/currencies.js';

/** Market symbols of every payable currency: BTC, LTC, ETH, TRX, USDT, USDC, TUSD. */
export const CRYPTO_SYMBOLS: readonly string[] = [
  ...new Set(CRYPTO_CURRENCIES.map((c) => c.symbol)),
];

export const STABLECOIN_SYMBOLS: readonly string[] = [
  ...new Set(CRYPTO_CURRENCIES.filter((c) => c.stablecoin).map((c) => c.symbol)),
];

export const FIAT_CODES: ReadonlySet<string> = new Set(FIAT_CURRENCIES.map((c) => c.code));

/** Tokens are priced by their market symbol: USDT_TRC20 and USDT_ERC20 are both USDT. */
export function marketSymbol(code: string): string {
  return cryptoCurrency(code)?.symbol ?? code;
}

export function isCryptoSymbol(symbol: string): boolean {
  return CRYPTO_SYMBOLS.includes(symbol);
}
