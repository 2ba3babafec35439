/**
 * What the use cases need from a chain family (chains/utxo, chains/evm,
 * chains/tron, chains/test), and what a watcher needs from the use cases.
 */
import type { CryptoCurrency } from '../../domain/currencies.js';

export type NetworkName = 'mainnet' | 'testnet' | 'regtest';

/** Address derivation and payment URIs for one chain family. Pure, no I/O. */
export interface ChainFamilyAdapter {
  readonly family: 'utxo' | 'evm' | 'tron' | 'test';
  /** The address at index `index` of the external chain of `key` (xpub, descriptor, ...). */
  deriveAddress(args: {
    key: string;
    index: number;
    currency: CryptoCurrency;
    network: NetworkName;
  }): string;
  /** Addresses `from` .. `from + count - 1`, equal to deriveAddress for each; cheaper per address. */
  deriveAddresses?(args: {
    key: string;
    from: number;
    count: number;
    currency: CryptoCurrency;
    network: NetworkName;
  }): string[];
  /** Wallet URI for the QR code: BIP21, EIP-681, or the plain address. */
  paymentUri(args: {
    currency: CryptoCurrency;
    address: string;
    amount: bigint;
    label?: string;
    chainId?: number;
    contract?: string;
  }): string;
  /** Whether `address` is a valid destination on this currency's chain (refund addresses). */
  isValidAddress(address: string, currency: CryptoCurrency, network: NetworkName): boolean;
  /** Throws a clear Error when `key` is not a usable wallet key for this family. */
  validateKey(key: string, currency: CryptoCurrency, network: NetworkName): void;
}

/** A credit seen on chain to an address, as a watcher reports it. */
export interface ObservedTransfer {
  /** 'BTC', 'LTC', 'ETH', 'TRON' (or 'test'). */
  readonly chain: string;
  readonly txid: string;
  /** Output index (UTXO) or log index (tokens); native EVM/TRON transfers use -1. */
  readonly index: number;
  /** As the chain prints it; matching is case-insensitive for EVM. */
  readonly address: string;
  /** Currency code from the catalog (e.g. 'USDT_ERC20'). */
  readonly currency: string;
  readonly amount: bigint;
  /** Null while in the mempool. */
  readonly blockHash: string | null;
  readonly blockHeight: number | null;
  /** Signals BIP125 replaceability. */
  readonly rbf?: boolean;
  /** TRON's expiration (ms): no block timestamped later may include the transaction. */
  readonly validUntil?: number;
}

/** A payment's transaction recorded but not in a block: in a mempool, or its block orphaned. */
export interface UnminedTransaction {
  readonly txid: string;
  readonly validUntil: number | null;
}

/** The use cases a watcher drives. Every method is idempotent. */
export interface PaymentLedger {
  /** Records a transfer to a watched address once, or updates its block. Unknown addresses are ignored. */
  recordTransfer(t: ObservedTransfer): Promise<void>;
  /** The chain's tip is now `height`: confirmations of mined payments become tip - height + 1. */
  tipChanged(chain: string, height: number): Promise<void>;
  /** Blocks at `fromHeight` and above were orphaned: their payments go back to unconfirmed. */
  blocksDisconnected(chain: string, fromHeight: number): Promise<void>;
  /** A transaction left the mempool without confirming, or its inputs were spent elsewhere. */
  transactionDropped(chain: string, txid: string): Promise<void>;
  /**
   * Transactions of `chain`'s payments that are neither mined nor dropped, as
   * the store holds them: a watcher follows them across restarts.
   */
  unminedTransactions(chain: string): Promise<readonly UnminedTransaction[]>;
}

export interface WatchedAddress {
  readonly quoteId: string;
  readonly invoiceId: string;
  readonly currency: string;
  readonly address: string;
}

/** Wrong coins: a transfer to a watched address in another currency than its quote's. */
export interface UnexpectedTransfers {
  recordUnexpected(t: ObservedTransfer, watched: WatchedAddress): Promise<void>;
  /** Blocks at `fromHeight` and above are read again after a reorg. */
  unexpectedDisconnected(chain: string, fromHeight: number): Promise<void>;
}

/** In-memory index of every address still watched: one set lookup per output. */
export interface WatchList {
  lookup(chain: string, address: string): WatchedAddress | undefined;
  /** Number of addresses watched on `chain`. */
  size(chain: string): number;
  /** Every address watched on `chain` (for balance checks); absent where a watcher needs none. */
  addresses?(chain: string): Iterable<WatchedAddress>;
  /** Loads addresses created since the last refresh (by any process). */
  refresh(): Promise<void>;
}

export interface BlockRef {
  readonly height: number;
  readonly hash: string;
}

/** A watcher's durable position and the recent block hashes used to detect reorgs. */
export interface ChainCursorStore {
  load(chain: string): Promise<BlockRef | null>;
  /** Saves the processed block (and its parent) and advances the cursor to it, atomically. */
  advance(chain: string, block: BlockRef & { parentHash: string | null }): Promise<void>;
  /** Hash stored for `height`, if that block was processed. */
  hashAt(chain: string, height: number): Promise<string | null>;
  /** Forgets blocks at `fromHeight` and above and moves the cursor to the block below. */
  rewind(chain: string, fromHeight: number): Promise<void>;
  /** Drops stored hashes older than `belowHeight`. */
  prune(chain: string, belowHeight: number): Promise<void>;
}

/** What every chain watcher exposes to the runtime, health and metrics. */
/** The subset of pino that watchers log through. */
export interface WatcherLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything, for watchers built without one. */
export const silentLogger: WatcherLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface ChainWatcher {
  readonly chain: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): WatcherHealth;
  /** The node announced a new block; watchers that poll may look at once. */
  notifyBlock?(): void;
}

export interface WatcherHealth {
  readonly chain: string;
  readonly running: boolean;
  readonly nodeReachable: boolean;
  readonly height: number | null;
  readonly nodeHeight: number | null;
  readonly lastError: string | null;
  readonly lastProgressAt: number | null;
}
