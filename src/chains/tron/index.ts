/** TRON and TRC-20: per-invoice addresses and the block watcher over the full-node HTTP API. */
export { tronFamily } from './family.js';
export { TronApi, TronApiError, TronRateLimitedError, type TronApiOptions } from './api.js';
export { TronWatcher, TRON_CHAIN, type TronWatcherOptions } from './watcher.js';
export type { TronNode } from './block-credits.js';
export { addressFromPublicKey, hexToAddress, isTronAddress } from './address.js';
export {
  tokenCredits,
  trxCredits,
  blockHeader,
  TRANSFER_TOPIC,
  type TronCredit,
} from './transfers.js';
