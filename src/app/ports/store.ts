/** The storage the use cases need, as one unit of work per transaction. */
import type { UnexpectedDeposit } from './collections.js';
import type { Account, Project } from '../../domain/project.js';
import type { Invoice, InvoiceEvent, Payment, Quote, Refund } from '../../domain/invoice.js';
import type { InvoiceStatus } from '../../domain/invoice-status.js';
import type { WatchedAddress } from './chain.js';

export interface ApiKeyRecord {
  readonly id: string;
  readonly accountId: string;
  readonly prefix: string;
  readonly label: string | null;
  readonly createdAt: number;
  readonly revokedAt: number | null;
  /** What the key may do: everything, or only read. */
  readonly access: ApiKeyAccess;
  /** Null: every project of the account; otherwise only this one. */
  readonly projectId: string | null;
}

export type ApiKeyAccess = 'full' | 'read';

export interface InvoiceFilter {
  readonly accountId: string;
  readonly projectId?: string;
  readonly statuses?: readonly InvoiceStatus[];
  readonly createdFrom?: number;
  readonly createdTo?: number;
  readonly orderId?: string;
  /** Keyset cursor: invoices strictly older than (createdAt, id). */
  readonly before?: { createdAt: number; id: string };
  readonly limit: number;
  readonly offset?: number;
}

export interface InvoiceStatePatch {
  readonly status: InvoiceStatus;
  readonly context: string | null;
  readonly resolution: string | null;
  readonly receivedConfirmed: bigint;
  readonly receivedUnconfirmed: bigint;
  readonly recheckAt: number | null;
  readonly watchUntil: number | null;
  readonly updatedAt: number;
}

export interface AllocatedAddress {
  readonly idx: number;
  readonly address: string;
}

export interface WalletIndex {
  readonly idx: number;
  /** Highest index that ever received a payment, -1 if none. */
  readonly highestUsed: number;
}

export interface WalletCounters {
  readonly projectId: string;
  readonly chain: string;
  readonly walletId: string;
  readonly nextIdx: number;
  readonly highestUsed: number;
}

export interface UnitOfWork {
  readonly accounts: {
    insert(a: Account): Promise<void>;
    get(id: string): Promise<Account | undefined>;
    list(): Promise<Account[]>;
  };
  readonly apiKeys: {
    insert(k: ApiKeyRecord & { keyHash: string }): Promise<void>;
    byHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
    get(id: string): Promise<ApiKeyRecord | undefined>;
    list(accountId: string): Promise<ApiKeyRecord[]>;
    revoke(id: string, at: number): Promise<boolean>;
  };
  readonly projects: {
    insert(p: Project, secretKey: string): Promise<void>;
    get(id: string): Promise<Project | undefined>;
    secretKey(id: string): Promise<string | undefined>;
    list(accountId: string): Promise<Project[]>;
    update(p: Project, at: number): Promise<void>;
  };
  readonly invoices: {
    insert(i: Invoice): Promise<void>;
    get(id: string): Promise<Invoice | undefined>;
    byShortId(shortId: string): Promise<Invoice | undefined>;
    /** Reads the invoice and holds a write lock on it until the transaction ends. */
    lock(id: string): Promise<Invoice | undefined>;
    byOrderId(projectId: string, orderId: string): Promise<Invoice | undefined>;
    updateState(id: string, patch: InvoiceStatePatch): Promise<void>;
    setCancelled(id: string, at: number): Promise<void>;
    setManualResolution(id: string, resolution: string, at: number): Promise<void>;
    setExpiresAt(id: string, at: number): Promise<void>;
    list(f: InvoiceFilter): Promise<Invoice[]>;
    count(f: InvoiceFilter): Promise<number>;
    dueForRecheck(now: number, limit: number): Promise<string[]>;
    /** Invoices per cached status, for metrics. */
    countByStatus(): Promise<Record<string, number>>;
  };
  readonly quotes: {
    insert(q: Quote): Promise<void>;
    active(invoiceId: string): Promise<Quote | undefined>;
    /** The active quotes of several invoices at once (an invoice without one is absent). */
    activeOf(invoiceIds: readonly string[]): Promise<Quote[]>;
    get(id: string): Promise<Quote | undefined>;
    byIds(ids: readonly string[]): Promise<Quote[]>;
    forInvoice(invoiceId: string): Promise<Quote[]>;
    deactivate(invoiceId: string): Promise<void>;
    activate(id: string): Promise<void>;
    byAddress(chain: string, address: string): Promise<Quote[]>;
    /** Addresses to watch: quotes fixed at or after `since` whose invoice is still watched at `now`. */
    watched(
      since: number,
      now: number,
    ): Promise<(WatchedAddress & { chain: string; fixedAt: number })[]>;
  };
  readonly payments: {
    /** Inserts unless (chain, txid, index) exists; returns whether it was new. */
    insertIfNew(p: Payment): Promise<boolean>;
    byKey(chain: string, txid: string, index: number): Promise<Payment | undefined>;
    forInvoice(invoiceId: string): Promise<Payment[]>;
    /**
     * Applies `patch` if the row still holds `expected`; returns whether it did. Two processes
     * acting on the same payment then change it (and tell of it) once.
     */
    update(
      id: string,
      patch: Partial<
        Pick<Payment, 'blockHash' | 'blockHeight' | 'confirmations' | 'dropped' | 'rbf'>
      >,
      at: number,
      expected?: Partial<Pick<Payment, 'blockHash' | 'blockHeight' | 'confirmations' | 'dropped'>>,
    ): Promise<boolean>;
    /** Mined, not dropped payments on `chain` whose confirmations may still matter. */
    mined(chain: string, maxConfirmations: number): Promise<Payment[]>;
    minedFrom(chain: string, fromHeight: number): Promise<Payment[]>;
    byTxid(chain: string, txid: string): Promise<Payment[]>;
    /** Transactions of payments on `chain` neither mined nor dropped. */
    unmined(chain: string): Promise<{ txid: string; validUntil: number | null }[]>;
  };
  readonly events: {
    append(events: readonly InvoiceEvent[]): Promise<void>;
    forInvoice(invoiceId: string): Promise<InvoiceEvent[]>;
  };
  readonly refunds: {
    insert(r: Refund): Promise<void>;
    forInvoice(invoiceId: string): Promise<Refund[]>;
  };
  readonly idempotency: {
    get(
      accountId: string,
      key: string,
    ): Promise<{ requestHash: string; invoiceId: string } | undefined>;
    /** Returns false when the key already exists. */
    put(
      accountId: string,
      key: string,
      requestHash: string,
      invoiceId: string,
      at: number,
    ): Promise<boolean>;
  };
  readonly unexpectedDeposits: {
    /** Inserts a wrong coin once per (chain, txid, index); true when new (a re-read moves its block). */
    insertIfNew(d: UnexpectedDeposit): Promise<boolean>;
  };
  readonly addresses: {
    /** The address `invoiceId` already holds on this wallet, if any. */
    held(
      projectId: string,
      chain: string,
      walletId: string,
      invoiceId: string,
    ): Promise<AllocatedAddress | undefined>;
    /**
     * Takes the wallet's next index by advancing its counter row inside the
     * caller's transaction: one statement, no retries, distinct under concurrency.
     */
    take(projectId: string, chain: string, walletId: string): Promise<WalletIndex>;
    /** Advances the counter by `count` at once: the indexes from `idx` on are the caller's. */
    reserve(
      projectId: string,
      chain: string,
      walletId: string,
      count: number,
    ): Promise<WalletIndex>;
    /** An address whose invoice expired unpaid and whose cool-down is over (opt-in reuse). */
    reusable(
      projectId: string,
      chain: string,
      walletId: string,
      now: number,
    ): Promise<AllocatedAddress | undefined>;
    allocate(
      a: AllocatedAddress & {
        projectId: string;
        chain: string;
        walletId: string;
        invoiceId: string;
        at: number;
      },
    ): Promise<void>;
    reassign(
      projectId: string,
      chain: string,
      walletId: string,
      idx: number,
      invoiceId: string,
      at: number,
    ): Promise<boolean>;
    /** Marks an unpaid invoice's addresses reusable after `at` (only with opt-in reuse). */
    release(invoiceId: string, reusableAt: number): Promise<void>;
    /** A payment arrived: the invoice's addresses are never reused and count as used for the gap. */
    markUsed(invoiceId: string): Promise<void>;
    /** Every wallet's counters, for the gap metric. */
    wallets(): Promise<WalletCounters[]>;
    /** Addresses derived ahead of time for `sourceId`, from index `from` on. */
    derived(sourceId: string, from: number, limit: number): Promise<AllocatedAddress[]>;
    saveDerived(sourceId: string, rows: readonly AllocatedAddress[]): Promise<void>;
    /** Drops derived addresses below `before`: their indexes were handed out. */
    forgetDerived(sourceId: string, before: number): Promise<void>;
  };
}

/** What may be read outside a transaction; every write goes through a unit of work. */
export interface StoreReads {
  readonly accounts: Pick<UnitOfWork['accounts'], 'get' | 'list'>;
  readonly apiKeys: Pick<UnitOfWork['apiKeys'], 'byHash' | 'get' | 'list'>;
  readonly projects: Pick<UnitOfWork['projects'], 'get' | 'secretKey' | 'list'>;
  readonly invoices: Pick<
    UnitOfWork['invoices'],
    'get' | 'byShortId' | 'byOrderId' | 'list' | 'count' | 'dueForRecheck' | 'countByStatus'
  >;
  readonly quotes: Pick<
    UnitOfWork['quotes'],
    'active' | 'activeOf' | 'get' | 'byIds' | 'forInvoice' | 'byAddress' | 'watched'
  >;
  readonly payments: Pick<
    UnitOfWork['payments'],
    'byKey' | 'forInvoice' | 'mined' | 'minedFrom' | 'byTxid' | 'unmined'
  >;
  readonly events: Pick<UnitOfWork['events'], 'forInvoice'>;
  readonly refunds: Pick<UnitOfWork['refunds'], 'forInvoice'>;
  readonly idempotency: Pick<UnitOfWork['idempotency'], 'get'>;
  readonly addresses: Pick<UnitOfWork['addresses'], 'held' | 'reusable' | 'wallets' | 'derived'>;
}

export interface InvoiceStore extends StoreReads {
  transaction<T>(fn: (uow: UnitOfWork) => Promise<T>): Promise<T>;
  /** Database reachable and migrations current. */
  ready(): Promise<boolean>;
}
