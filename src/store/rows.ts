/** Row <-> domain mapping. Amounts cross as text, flags as 0/1, times as epoch ms. */
import type { Account, Project } from '../domain/project.js';
import type { Invoice, InvoiceEvent, Payment, Quote, Refund } from '../domain/invoice.js';
import type { InvoiceContext, InvoiceStatus, Resolution } from '../domain/invoice-status.js';
import { DEFAULT_RULES } from '../domain/rules.js';
import type {
  AccountsTable,
  EventsTable,
  InvoicesTable,
  PaymentsTable,
  ProjectsTable,
  QuotesTable,
  RefundsTable,
} from './schema.js';

/** A nullable integer column (PostgreSQL returns bigint as a string). */
export const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function toInvoice(r: InvoicesTable): Invoice {
  return {
    id: r.id,
    shortId: r.short_id,
    projectId: r.project_id,
    accountId: r.account_id,
    amount: r.amount,
    priceCurrency: r.price_currency,
    orderId: r.order_id,
    email: r.email,
    description: r.description,
    expiresAt: num(r.expires_at),
    availableCurrencies: r.available_currencies
      ? (JSON.parse(r.available_currencies) as string[])
      : null,
    testMode: r.test_mode === 1,
    locale: r.locale === 'ru' ? 'ru' : 'en',
    metadata: r.metadata ? (JSON.parse(r.metadata) as Record<string, string>) : null,
    lockedRates: r.locked_rates ? (JSON.parse(r.locked_rates) as Invoice['lockedRates']) : null,
    status: r.status as InvoiceStatus,
    context: r.context as InvoiceContext | null,
    resolution: r.resolution as Resolution | null,
    manualResolution: r.manual_resolution as Resolution | null,
    cancelledAt: num(r.cancelled_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    receivedConfirmed: BigInt(r.received_confirmed),
    receivedUnconfirmed: BigInt(r.received_unconfirmed),
    watchUntil: num(r.watch_until),
  };
}

export function fromInvoice(i: Invoice, recheckAt: number | null): InvoicesTable {
  return {
    id: i.id,
    short_id: i.shortId,
    project_id: i.projectId,
    account_id: i.accountId,
    amount: i.amount,
    price_currency: i.priceCurrency,
    order_id: i.orderId,
    email: i.email,
    description: i.description,
    expires_at: i.expiresAt,
    available_currencies: i.availableCurrencies ? JSON.stringify(i.availableCurrencies) : null,
    test_mode: i.testMode ? 1 : 0,
    locale: i.locale,
    metadata: i.metadata ? JSON.stringify(i.metadata) : null,
    locked_rates: i.lockedRates ? JSON.stringify(i.lockedRates) : null,
    status: i.status,
    context: i.context,
    resolution: i.resolution,
    manual_resolution: i.manualResolution,
    cancelled_at: i.cancelledAt,
    received_confirmed: i.receivedConfirmed.toString(),
    received_unconfirmed: i.receivedUnconfirmed.toString(),
    watch_until: i.watchUntil,
    recheck_at: recheckAt,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
  };
}

export function toQuote(r: QuotesTable): Quote {
  return {
    id: r.id,
    invoiceId: r.invoice_id,
    currency: r.currency,
    chain: r.chain,
    address: r.address,
    derivationIndex: num(r.derivation_index),
    amountDue: BigInt(r.amount_due),
    rate: r.rate,
    rateSource: r.rate_source,
    fixedAt: Number(r.fixed_at),
    requiredConfirmations: Number(r.required_confirmations),
    active: r.active === 1,
  };
}

export function fromQuote(q: Quote): QuotesTable {
  return {
    id: q.id,
    invoice_id: q.invoiceId,
    currency: q.currency,
    chain: q.chain,
    address: q.address,
    derivation_index: q.derivationIndex,
    amount_due: q.amountDue.toString(),
    rate: q.rate,
    rate_source: q.rateSource,
    fixed_at: q.fixedAt,
    required_confirmations: q.requiredConfirmations,
    active: q.active ? 1 : 0,
  };
}

export function toPayment(r: PaymentsTable): Payment {
  return {
    id: r.id,
    invoiceId: r.invoice_id,
    quoteId: r.quote_id,
    chain: r.chain,
    txid: r.txid,
    outputIndex: Number(r.output_index),
    address: r.address,
    amount: BigInt(r.amount),
    blockHash: r.block_hash,
    blockHeight: num(r.block_height),
    confirmations: Number(r.confirmations),
    dropped: r.dropped === 1,
    rbf: r.rbf === 1,
    firstSeenAt: Number(r.first_seen_at),
    validUntil: num(r.valid_until),
  };
}

export function fromPayment(p: Payment): PaymentsTable {
  return {
    id: p.id,
    invoice_id: p.invoiceId,
    quote_id: p.quoteId,
    chain: p.chain,
    txid: p.txid,
    output_index: p.outputIndex,
    address: p.address,
    amount: p.amount.toString(),
    block_hash: p.blockHash,
    block_height: p.blockHeight,
    confirmations: p.confirmations,
    dropped: p.dropped ? 1 : 0,
    rbf: p.rbf ? 1 : 0,
    first_seen_at: p.firstSeenAt,
    updated_at: p.firstSeenAt,
    valid_until: p.validUntil ?? null,
  };
}

export function toEvent(r: EventsTable): InvoiceEvent {
  return {
    id: r.id,
    invoiceId: r.invoice_id,
    projectId: r.project_id,
    type: r.type as InvoiceEvent['type'],
    data: JSON.parse(r.data) as Record<string, unknown>,
    createdAt: Number(r.created_at),
  };
}

export function fromEvent(e: InvoiceEvent): EventsTable {
  return {
    id: e.id,
    invoice_id: e.invoiceId,
    project_id: e.projectId,
    type: e.type,
    data: JSON.stringify(e.data),
    created_at: e.createdAt,
  };
}

export function toRefund(r: RefundsTable): Refund {
  return {
    id: r.id,
    invoiceId: r.invoice_id,
    source: r.source === 'customer' ? 'customer' : 'merchant',
    amount: r.amount,
    currency: r.currency,
    address: r.address,
    txid: r.txid,
    createdAt: Number(r.created_at),
  };
}

export function toAccount(r: AccountsTable): Account {
  return { id: r.id, name: r.name, createdAt: Number(r.created_at) };
}

interface ProjectSettings {
  name?: string;
  logoUrl: string | null;
  successUrl: string | null;
  failUrl: string | null;
  enabledCurrencies: string[];
  wallets: Project['wallets'];
  confirmations: Project['confirmations'];
  rules: Project['rules'];
}

export function toProject(r: ProjectsTable): Project {
  const s = JSON.parse(r.settings) as ProjectSettings;
  return {
    id: r.id,
    accountId: r.account_id,
    name: r.name,
    logoUrl: s.logoUrl ?? null,
    successUrl: s.successUrl ?? null,
    failUrl: s.failUrl ?? null,
    enabledCurrencies: s.enabledCurrencies ?? [],
    wallets: s.wallets ?? {},
    confirmations: s.confirmations ?? {},
    rules: { ...DEFAULT_RULES, ...s.rules },
    testMode: r.test_mode === 1,
    createdAt: Number(r.created_at),
  };
}

export function projectSettings(p: Project): string {
  const s: ProjectSettings = {
    logoUrl: p.logoUrl,
    successUrl: p.successUrl,
    failUrl: p.failUrl,
    enabledCurrencies: [...p.enabledCurrencies],
    wallets: p.wallets,
    confirmations: p.confirmations,
    rules: p.rules,
  };
  return JSON.stringify(s);
}
