/** Builds the Ethereum watcher from Kassa's settings (ETH_RPC_URL, ETH_CHAIN_ID, ETH_TOKEN_CONTRACTS). */
import type { ChainCursorStore, PaymentLedger, WatchList } from '../../app/ports/chain.js';
import { EvmRpc } from './rpc.js';
import { evmTokenContracts } from './token-contracts.js';
import type { WatcherLogger } from '../../app/ports/chain.js';
import { EvmWatcher } from './watcher.js';

export { evmTokenContracts };

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
