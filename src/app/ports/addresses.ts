/** A wallet's addresses: what handing one out needs and reports. */
import type { CryptoCurrency } from '../../domain/currencies.js';
import type { ChainFamilyAdapter, NetworkName } from './chain.js';

/** One wallet of a project on one chain, with what deriving its addresses needs. */
export interface WalletRef {
  readonly projectId: string;
  readonly chain: string;
  readonly walletId: string;
  readonly key: string;
  readonly network: NetworkName;
  readonly currency: CryptoCurrency;
  readonly family: ChainFamilyAdapter;
  /** Unpaid addresses in a row the merchant's wallet software scans; null: no such software. */
  readonly gapLimit: number | null;
}

export interface HandedOut {
  readonly chain: string;
  readonly address: string;
  readonly index: number;
}

/** What a gap-limit warning carries (a metric and a log line; never the key). */
export interface WalletGapWarning {
  readonly projectId: string;
  readonly chain: string;
  readonly walletId: string;
  readonly index: number;
  readonly gap: number;
  readonly gapLimit: number;
}

/** Derives addresses, ideally ahead of time (see AddressPool). */
export interface AddressSource {
  addressAt(wallet: WalletRef, index: number): Promise<string>;
  /**
   * An index this process reserved ahead from the wallet's counter, or null:
   * then the caller advances the counter inside its own transaction.
   */
  take?(wallet: WalletRef): { readonly idx: number; readonly highestUsed: number } | null;
}
