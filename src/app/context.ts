import type { ChainFamilyAdapter, NetworkName } from './ports/chain.js';
import type { Clock } from './ports/clock.js';
import type { RateProvider } from './ports/rates.js';
import type { InvoiceStore } from './ports/store.js';

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
}

export interface AppSettings {
  readonly publicUrl: string;
  /** Test mode allowed on this instance (the built-in test chain and simulated payments). */
  readonly testMode: boolean;
  readonly latePaymentWindowMs: number;
  readonly addressReuseCooldownMs: number;
  /** Network per chain for address derivation (BTC, LTC); EVM and TRON are mainnet-shaped. */
  readonly networks: Readonly<Record<string, NetworkName>>;
  readonly evmChainId: number;
  /** Token contracts per currency code, overriding the catalog's mainnet defaults. */
  readonly tokenContracts: Readonly<Record<string, string>>;
}
