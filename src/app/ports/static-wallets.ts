/** Storage of static wallets: one permanent address per (project, currency, customer). */

export interface StaticWallet {
  readonly id: string;
  readonly projectId: string;
  readonly accountId: string;
  /** Catalog currency code, e.g. 'USDT_TRC20'. */
  readonly currency: string;
  /** The merchant's customer reference; postbacks carry it as `order_id`. */
  readonly identify: string;
  /** 'test' for test-mode projects, else the currency's chain. */
  readonly chain: string;
  readonly address: string;
  readonly walletId: string;
  readonly index: number;
  readonly testMode: boolean;
  readonly createdAt: number;
}

export interface StaticWalletStore {
  /** Inserts unless (project, currency, identify) exists; returns the stored wallet either way. */
  insertOrGet(w: StaticWallet): Promise<StaticWallet>;
  find(projectId: string, currency: string, identify: string): Promise<StaticWallet | undefined>;
  byId(id: string): Promise<StaticWallet | undefined>;
  /** Wallets created at or after `since` (epoch ms), oldest first. */
  createdSince(since: number): Promise<StaticWallet[]>;
}
