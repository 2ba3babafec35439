/** What collecting forwarder deposit addresses needs from the store and the chain. */

export interface UncollectedPayment {
  readonly paymentId: string;
  readonly invoiceId: string;
  readonly projectId: string;
  readonly accountId: string;
  readonly currency: string;
  readonly address: string;
  readonly derivationIndex: number | null;
  readonly amount: bigint;
  /** The payment's transaction, to place it before or after a collect mined in the same block. */
  readonly txid: string;
  readonly blockHeight: number;
  /** The payment has its quote's required confirmations. */
  readonly confirmed: boolean;
  /** A wrong coin on the address (an UnexpectedDeposit), not a payment of the invoice. */
  readonly unexpected?: boolean;
}

/** A listed token or ETH that arrived at a deposit address quoted for another currency. */
export interface UnexpectedDeposit {
  readonly id: string;
  readonly chain: string;
  readonly txid: string;
  readonly index: number;
  readonly invoiceId: string;
  readonly quoteId: string;
  readonly address: string;
  /** What arrived. */
  readonly currency: string;
  /** What the address was quoted for. */
  readonly expectedCurrency?: string;
  readonly amount: bigint;
  readonly blockHash: string;
  readonly blockHeight: number;
  /** The collection that swept it, or null while it is on the address. */
  readonly collectionId: string | null;
  readonly createdAt: number;
}

export interface CollectionItem {
  readonly paymentId: string;
  readonly invoiceId: string;
  readonly address: string;
  readonly currency: string;
  readonly amount: bigint;
  /** An UnexpectedDeposit (paymentId is its id), not a payment. */
  readonly unexpected?: boolean;
}

export interface CollectionRecord {
  readonly id: string;
  readonly chain: string;
  readonly txid: string;
  readonly factory: string;
  readonly treasury: string;
  readonly sender: string;
  readonly status: 'mined' | 'orphaned';
  readonly blockHeight: number | null;
  readonly blockHash: string | null;
  readonly gasUsed: bigint;
  readonly gasPrice: bigint;
  readonly fee: bigint;
  readonly createdAt: number;
  readonly items: readonly CollectionItem[];
}

export interface CollectionStore {
  /** Mined, not dropped, not yet collected payments on `chain` (live invoices, not test mode). */
  uncollected(chain: string): Promise<UncollectedPayment[]>;
  byTxid(chain: string, txid: string): Promise<CollectionRecord | null>;
  /** Saves a mined collection with its items; a re-mined orphan gets its block and items back. */
  save(record: CollectionRecord): Promise<void>;
  /** Collections mined at `fromHeight` or above become orphaned; their payments uncollected. */
  orphanFrom(chain: string, fromHeight: number, at: number): Promise<number>;
  /** Collections mined in from..to whose transaction is not among `keep` (the block's canonical ones) become orphaned. */
  orphanMissing(
    chain: string,
    from: number,
    to: number,
    keep: readonly string[],
    at: number,
  ): Promise<number>;
  /** Collections holding payments of the account's invoices, newest first. */
  list(accountId: string, limit: number): Promise<CollectionRecord[]>;
  /** Records a wrong coin once per (chain, txid, index); a re-read block updates its block. */
  saveUnexpected(d: UnexpectedDeposit): Promise<void>;
  /** Uncollected wrong coins in blocks at `fromHeight` and above are forgotten (a reorg). */
  unexpectedDisconnected(chain: string, fromHeight: number): Promise<void>;
  /** Wrong coins on the account's invoices, newest first. */
  listUnexpected(accountId: string, limit: number): Promise<UnexpectedDeposit[]>;
}

/** A collect transaction as mined: what the factory swept and what the tokens moved. */
export interface ObservedCollect {
  readonly chain: string;
  readonly txid: string;
  readonly factory: string;
  readonly sender: string;
  readonly blockHeight: number;
  readonly blockHash: string;
  readonly gasUsed: bigint;
  readonly gasPrice: bigint;
  readonly succeeded: boolean;
  /** The hashes of the collect's block in order: a payment mined after the collect in that block stays. */
  readonly blockTxids: readonly string[];
  readonly sweeps: readonly { treasury: string; deposit: string }[];
  readonly tokenTransfers: readonly { token: string; from: string; to: string; amount: bigint }[];
}

/** Forwarder address arithmetic (pure) for one chain family. */
export interface ForwarderScheme {
  /** The factory and treasury of a forwarder wallet key, or null for any other key. */
  parseKey(key: string): { factory: string; treasury: string } | null;
  depositAddress(args: { factory: string; treasury: string; index: number }): string;
  salt(index: number): string;
  collectCall(args: {
    factory: string;
    treasury: string;
    salts: readonly string[];
    tokens: readonly string[];
  }): { to: string; data: string };
}

/** The node, and the optional gas-only collector key. */
export interface CollectorChain {
  estimateGas(tx: { to: string; data: string; from?: string }): Promise<bigint>;
  gasPrice(): Promise<bigint>;
  /** The collector key's address, or null when Kassa holds no collector key. */
  readonly sender: string | null;
  /** Signs with the collector key and broadcasts; resolves with the mined collect, or null if it was not mined in time. */
  sendAndWait(tx: { to: string; data: string; gas: bigint }): Promise<ObservedCollect | null>;
}
