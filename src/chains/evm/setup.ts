/** Builds the Ethereum watcher from Kassa's settings (ETH_RPC_URL, ETH_CHAIN_ID, ETH_TOKEN_CONTRACTS). */
import type { ChainCursorStore, PaymentLedger, WatchList } from '../../app/ports/chain.js';
import { CRYPTO_CURRENCIES } from '../../domain/currencies.js';
import { isValidEvmAddress } from './address.js';
import { EvmRpc } from './rpc.js';
import { EvmWatcher, type WatcherLogger } from './watcher.js';

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

export interface EvmSettings {
  readonly ETH_RPC_URL?: string;
  readonly ETH_CHAIN_ID: number;
  readonly ETH_TOKEN_CONTRACTS?: string;
  readonly WATCH_POLL_MS: number;
}

/** The watcher for ETH and ERC-20 tokens, or null when no ETH_RPC_URL is configured. */
export function createEvmWatcher(
  settings: EvmSettings,
  deps: {
    ledger: PaymentLedger;
    watchList: WatchList;
    cursor: ChainCursorStore;
    logger?: WatcherLogger;
  },
): EvmWatcher | null {
  if (!settings.ETH_RPC_URL) return null;
  return new EvmWatcher({
    rpc: new EvmRpc({ url: settings.ETH_RPC_URL }),
    chainId: settings.ETH_CHAIN_ID,
    tokens: evmTokenContracts(settings.ETH_CHAIN_ID, settings.ETH_TOKEN_CONTRACTS),
    pollMs: settings.WATCH_POLL_MS,
    ...deps,
  });
}
