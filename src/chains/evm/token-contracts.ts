/** The ERC-20 contracts Kassa watches and quotes for (ETH_CHAIN_ID, ETH_TOKEN_CONTRACTS). */
import { CRYPTO_CURRENCIES } from '../../domain/currencies.js';
import { isValidEvmAddress } from './address.js';

const MAINNET_CHAIN_ID = 1;

/**
 * The ERC-20 contracts to watch on `chainId`: the catalog's mainnet addresses
 * on mainnet only (elsewhere they are someone else's contracts or nothing),
 * overridden or extended by ETH_TOKEN_CONTRACTS.
 */
export function evmTokenContracts(chainId: number, overridesJson?: string): Record<string, string> {
  const tokens: Record<string, string> = {};
  if (chainId === MAINNET_CHAIN_ID) {
    for (const c of CRYPTO_CURRENCIES) {
      if (c.family === 'evm' && c.contract) tokens[c.code] = c.contract;
    }
  }
  const overrides = overridesJson ? (JSON.parse(overridesJson) as Record<string, unknown>) : {};
  for (const [code, contract] of Object.entries(overrides)) {
    const currency = CRYPTO_CURRENCIES.find((c) => c.code === code);
    if (!currency || currency.family !== 'evm' || currency.code === 'ETH') {
      throw new Error(`ETH_TOKEN_CONTRACTS: ${code} is not an ERC-20 currency`);
    }
    if (typeof contract !== 'string' || !isValidEvmAddress(contract)) {
      throw new Error(`ETH_TOKEN_CONTRACTS: ${code} has an invalid contract address`);
    }
    tokens[code] = contract;
  }
  return tokens;
}
