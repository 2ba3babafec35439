/**
 * Table types for Kysely. Times are epoch milliseconds (bigint columns read as
 * numbers); amounts are text holding exact integers or decimals; flags are 0/1.
 */
import type { Generated } from 'kysely';

export interface AccountsTable {
  id: string;
  name: string;
  created_at: number;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  /** First characters of the key, shown in lists so an operator can tell keys apart. */
  prefix: string;
  /** SHA-256 of the whole key; the key itself is never stored. */
  key_hash: string;
  label: string | null;
  created_at: number;
  revoked_at: number | null;
  /** 'full' or 'read'. */
  access: string;
  /** Set: the key sees and changes only this project. */
  project_id: string | null;
}

export interface ProjectsTable {
  id: string;
  account_id: string;
  name: string;
  /** JSON: urls, currencies, wallets, confirmations, rules. */
  settings: string;
  secret_key: string;
  test_mode: number;
  created_at: number;
  updated_at: number;
}

export interface InvoicesTable {
  id: string;
  short_id: string;
  project_id: string;
  account_id: string;
  amount: string;
  price_currency: string;
  order_id: string | null;
  email: string | null;
  description: string | null;
  expires_at: number | null;
  available_currencies: string | null;
  test_mode: number;
  locale: string;
  metadata: string | null;
  /** JSON: rates fixed at creation for timer invoices, per currency. */
  locked_rates: string | null;
  status: string;
  context: string | null;
  resolution: string | null;
  manual_resolution: string | null;
  cancelled_at: number | null;
  received_confirmed: string;
  received_unconfirmed: string;
  watch_until: number | null;
  /** When the status must next be recomputed without any new payment (expiry, staleness). */
  recheck_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface QuotesTable {
  id: string;
  invoice_id: string;
  currency: string;
  chain: string;
  address: string;
  derivation_index: number | null;
  amount_due: string;
  rate: string;
  rate_source: string;
  fixed_at: number;
  required_confirmations: number;
  active: number;
}

export interface AddressAllocationsTable {
  project_id: string;
  chain: string;
  /** Hash of the wallet key, so a changed key starts a fresh index range. */
  wallet_id: string;
  idx: number;
  address: string;
  invoice_id: string;
  allocated_at: number;
  /** Set when the invoice expired unpaid: the address may be handed out again after this time. */
  reusable_at: number | null;
}

/** One row per wallet: its next index and the highest index that ever received a payment. */
export interface AddressWalletsTable {
  project_id: string;
  chain: string;
  wallet_id: string;
  next_idx: number;
  highest_used: number;
}

/** Addresses derived ahead of time, so derivation stays off the request path. */
export interface DerivedAddressesTable {
  source_id: string;
  idx: number;
  address: string;
}

export interface PaymentsTable {
  id: string;
  invoice_id: string;
  quote_id: string;
  chain: string;
  txid: string;
  output_index: number;
  address: string;
  amount: string;
  block_hash: string | null;
  block_height: number | null;
  confirmations: number;
  dropped: number;
  rbf: number;
  first_seen_at: number;
  updated_at: number;
  valid_until: number | null;
}

export interface EventsTable {
  id: string;
  invoice_id: string;
  project_id: string;
  type: string;
  data: string;
  created_at: number;
}

export interface RefundsTable {
  id: string;
  invoice_id: string;
  source: string;
  amount: string | null;
  currency: string | null;
  address: string;
  txid: string | null;
  created_at: number;
}

export interface IdempotencyKeysTable {
  account_id: string;
  key: string;
  request_hash: string;
  invoice_id: string;
  created_at: number;
}

export interface ChainCursorsTable {
  chain: string;
  height: number;
  hash: string;
  updated_at: number;
}

export interface ChainBlocksTable {
  chain: string;
  height: number;
  hash: string;
  parent_hash: string | null;
}

/** A forwarder collect transaction; see migration 014. */
export interface CollectionsTable {
  id: string;
  chain: string;
  txid: string;
  factory: string;
  treasury: string;
  /** The account that sent (and paid for) the collect transaction. */
  sender: string;
  /** 'mined' or 'orphaned' (its block left the chain). */
  status: string;
  block_height: number | null;
  block_hash: string | null;
  gas_used: string;
  gas_price: string;
  /** gas_used x gas_price, wei. */
  fee: string;
  created_at: number;
  updated_at: number;
}

export interface CollectionItemsTable {
  collection_id: string;
  payment_id: string;
  invoice_id: string;
  address: string;
  currency: string;
  amount: string;
}

export interface UnexpectedDepositsTable {
  id: string;
  chain: string;
  txid: string;
  output_index: number;
  invoice_id: string;
  quote_id: string;
  address: string;
  currency: string;
  amount: string;
  block_hash: string;
  block_height: number | string;
  collection_id: string | null;
  created_at: number | string;
}

export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  projects: ProjectsTable;
  invoices: InvoicesTable;
  quotes: QuotesTable;
  address_allocations: AddressAllocationsTable;
  address_wallets: AddressWalletsTable;
  derived_addresses: DerivedAddressesTable;
  payments: PaymentsTable;
  events: EventsTable;
  refunds: RefundsTable;
  idempotency_keys: IdempotencyKeysTable;
  chain_cursors: ChainCursorsTable;
  chain_blocks: ChainBlocksTable;
  collections: CollectionsTable;
  collection_items: CollectionItemsTable;
  unexpected_deposits: UnexpectedDepositsTable;
}

export type { Generated };
