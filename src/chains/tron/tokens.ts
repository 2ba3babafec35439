/** The TRC-20 contracts a TRON watcher follows: the catalog's mainnet defaults, overridable per deployment. */
import { CRYPTO_CURRENCIES } from '../../domain/currencies.js';
import { isTronAddress } from './address.js';

/**
 * Currency code -> base58 contract for every TRON token of the catalog,
 * with `overrides` (e.g. TRON_TOKEN_CONTRACTS) replacing defaults. Codes of
 * other chains in `overrides` are ignored; a malformed TRON contract throws.
 */
export function tronTokenContracts(
  overrides: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const tokens: Record<string, string> = {};
  for (const c of CRYPTO_CURRENCIES) {
    if (c.chain !== 'TRON' || !c.contract) continue;
    const contract = overrides[c.code] ?? c.contract;
    if (!isTronAddress(contract))
      throw new Error(`${c.code} contract is not a TRON address: ${contract}`);
    tokens[c.code] = contract;
  }
  return tokens;
}
