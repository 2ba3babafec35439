export { evmFamily } from './family.js';
export { deriveEvmAddress, isValidEvmAddress, parseAccountKey } from './address.js';
export { EvmRpc, ChainIdMismatchError } from './rpc.js';
export { EvmWatcher, type EvmWatcherOptions } from './watcher.js';
export { createEvmWatcher, type EvmSettings } from './setup.js';
export { evmTokenContracts } from './token-contracts.js';
