import type { ChainFamilyAdapter, NetworkName } from './ports/chain.js';
import type { Clock } from './ports/clock.js';
import type { RateProvider } from './ports/rates.js';
import type { InvoiceStore } from './ports/store.js';
import type { AddressSource, WalletGapWarning } from './ports/addresses.js';

/** Everything the use cases need, handed in by the runtime. */
export interface AppContext {
  readonly store: InvoiceStore;
  readonly clock: Clock;
  readonly rates: RateProvider;
  readonly chains: Partial<Record<ChainFamilyAdapter['family'], ChainFamilyAdapter>>;
  readonly settings: AppSettings;
  /**
   * Throws when a wallet's on-chain prerequisites are missing (a forwarder factory whose
   * code does not match): no address of that wallet may be handed out then.
   */
  readonly walletReady?: (chain: string, key: string) => Promise<void>;
  /** Called after a transaction that appended events commits (live page updates, metrics). */
  readonly onInvoiceChanged?: (invoiceId: string) => void;
  /** A wallet handed out an address beyond its gap limit: warn the merchant (log, metric). */
  readonly onWalletGap?: (warning: WalletGapWarning) => void;
  /** Addresses derived ahead of time; without it each address is derived on the request path. */
  readonly addressSource?: AddressSource;
}

export interface AppSettings {
  readonly publicUrl: string;
  /** Test mode allowed on this instance (the built-in test chain and simulated payments). */
  readonly testMode: boolean;
  readonly latePaymentWindowMs: number;
  /** 0: never hand an address out twice (the default); else reuse after this cool-down (opt-in). */
  readonly addressReuseCooldownMs: number;
  /** Network per chain for address derivation (BTC, LTC); EVM and TRON are mainnet-shaped. */
  readonly networks: Readonly<Record<string, NetworkName>>;
  readonly evmChainId: number;
  /** Token contracts per currency code, overriding the catalog's mainnet defaults. */
  readonly tokenContracts: Readonly<Record<string, string>>;
}
