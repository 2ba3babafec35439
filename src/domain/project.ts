import type { ProjectRules } from './rules.js';

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
}

/** A wallet the project is paid to: an extended public key or output descriptor per chain. */
export interface WalletConfig {
  readonly key: string;
  /** Consecutive unused addresses allowed before expired ones are reused. */
  readonly gapLimit: number;
  readonly network?: 'mainnet' | 'testnet' | 'regtest';
}

export interface Project {
  /** The `shop_id`. */
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  readonly logoUrl: string | null;
  readonly successUrl: string | null;
  readonly failUrl: string | null;
  readonly enabledCurrencies: readonly string[];
  /** Wallets keyed by chain (BTC, LTC, ETH, TRON). */
  readonly wallets: Readonly<Record<string, WalletConfig>>;
  /** Confirmations required, keyed by currency code; defaults per chain otherwise. */
  readonly confirmations: Readonly<Record<string, number>>;
  readonly rules: ProjectRules;
  readonly testMode: boolean;
  readonly createdAt: number;
}
