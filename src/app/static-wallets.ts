/**
 * Static wallets (CryptoCloud `static/create`): a permanent address per
 * customer (`identify`) and currency. Every payment to it becomes its own paid
 * invoice carrying `identify`, so the usual events and postbacks follow.
 */
import {
  cryptoCurrency,
  DEFAULT_CONFIRMATIONS,
  type CryptoCurrency,
} from '../domain/currencies.js';
import { invalid, KassaError } from '../domain/errors.js';
import { openInvoice, type Quote } from '../domain/invoice.js';
import { formatUnits } from '../domain/money.js';
import type { Project } from '../domain/project.js';
import type { AppContext } from './context.js';
import { invoiceId, newId, shortId } from './ids.js';
import { projectOf } from './invoices.js';
import type { ObservedTransfer, WatchedAddress } from './ports/chain.js';
import type { Clock } from './ports/clock.js';
import type { StaticWallet, StaticWalletStore } from './ports/static-wallets.js';
import type { InvoiceStore, UnitOfWork } from './ports/store.js';
import { payableCurrencies } from './quotes.js';
import { paymentFromTransfer } from './transfer-payment.js';
import { settle, type PendingEvent } from './settle.js';
import { handOut, walletFor } from './wallet-addresses.js';
import { addressKey, MemoryWatchList } from './watch-list.js';

/** Metadata keys on the invoice each static-wallet payment makes. */
export const STATIC_WALLET_KEY = 'static_wallet';
export const IDENTIFY_KEY = 'identify';

/**
 * A static address is watched under this pseudo-address instead of its own: the
 * ledger looks quotes up by the watch entry's address, and every earlier payment's
 * quote shares the real one, so the next payment must not be matched to them.
 */
export const STATIC_WATCH_PREFIX = 'static:';

/** Wallets created by another process are picked up with this overlap. */
const LOAD_OVERLAP_MS = 60_000;
const MAX_IDENTIFY_LENGTH = 200;

export class StaticWallets {
  private readonly byAddress = new Map<string, StaticWallet>();
  private loadedUntil = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly store: StaticWalletStore,
  ) {}

  private remember(w: StaticWallet): void {
    this.byAddress.set(`${w.chain}|${addressKey(w.chain, w.address)}`, w);
  }

  /** The wallet for (project, currency, identify); created with a fresh address on first call. */
  async open(
    accountId: string,
    shopId: string,
    currencyCode: string,
    identify: string,
  ): Promise<StaticWallet> {
    const project = await projectOf(this.ctx, accountId, shopId);
    const code = currencyCode.toUpperCase();
    const currency = cryptoCurrency(code);
    if (!currency) throw invalid('currency', `unknown currency ${currencyCode}`);
    if (identify.length === 0 || identify.length > MAX_IDENTIFY_LENGTH) {
      throw invalid('identify', `identify must be 1 to ${MAX_IDENTIFY_LENGTH} characters`);
    }
    if (
      !payableCurrencies(this.ctx, project, {
        availableCurrencies: null,
        testMode: project.testMode,
      }).includes(code)
    ) {
      throw new KassaError(
        'currency_not_enabled',
        `${code} is not enabled for this project`,
        'currency',
      );
    }
    const existing = await this.store.find(project.id, code, identify);
    if (existing) {
      this.remember(existing);
      return existing;
    }
    const id = newId('stw', this.ctx.clock.now());
    const allocated = await this.ctx.store.transaction((uow) =>
      this.allocate(uow, project, currency, id),
    );
    const wallet = await this.store.insertOrGet({
      id,
      projectId: project.id,
      accountId: project.accountId,
      currency: code,
      identify,
      ...allocated,
      testMode: project.testMode,
      createdAt: this.ctx.clock.now(),
    });
    this.remember(wallet);
    return wallet;
  }

  /** Takes the next never-used index of the project's wallet: shared with invoices, never handed out twice. */
  private async allocate(
    uow: UnitOfWork,
    project: Project,
    currency: CryptoCurrency,
    ownerId: string,
  ) {
    const wallet = walletFor(this.ctx, project, project.testMode, currency);
    // A permanent address: never one that another invoice held before.
    const { chain, address, index } = await handOut(this.ctx, uow, wallet, ownerId, false);
    return { chain, address, walletId: wallet.walletId, index };
  }

  /** Loads wallets created since the last load (by any process) into the in-memory index. */
  async load(): Promise<void> {
    const now = this.ctx.clock.now();
    const rows = await this.store.createdSince(Math.max(0, this.loadedUntil - LOAD_OVERLAP_MS));
    for (const w of rows) this.remember(w);
    this.loadedUntil = now;
  }

  lookup(chain: string, address: string): StaticWallet | undefined {
    return this.byAddress.get(`${chain}|${addressKey(chain, address)}`);
  }

  count(chain: string): number {
    let n = 0;
    for (const w of this.byAddress.values()) if (w.chain === chain) n++;
    return n;
  }

  /**
   * Records a transfer to a static address as a new invoice, inside the ledger's
   * transaction. Returns its id, or null when the address is no static wallet's.
   */
  async recordTransfer(uow: UnitOfWork, t: ObservedTransfer): Promise<string | null> {
    const w = this.lookup(t.chain, t.address);
    const currency = w && cryptoCurrency(w.currency);
    if (!w || !currency || w.currency !== t.currency || t.amount <= 0n) return null;
    const project = await uow.projects.get(w.projectId);
    if (!project) return null;
    const now = this.ctx.clock.now();
    const amount = formatUnits(t.amount, currency.decimals);
    const invoice = openInvoice({
      id: invoiceId(),
      shortId: shortId(),
      projectId: w.projectId,
      accountId: w.accountId,
      amount,
      priceCurrency: currency.code,
      orderId: null,
      email: null,
      description: `Static wallet payment (${w.identify})`,
      expiresAt: null,
      availableCurrencies: [currency.code],
      testMode: w.testMode,
      locale: 'en',
      metadata: { [STATIC_WALLET_KEY]: w.id, [IDENTIFY_KEY]: w.identify },
      lockedRates: null,
      createdAt: now,
    });
    const quote: Quote = {
      id: newId('quo', now),
      invoiceId: invoice.id,
      currency: currency.code,
      chain: w.chain,
      address: w.address,
      derivationIndex: w.index,
      amountDue: t.amount,
      rate: '1',
      rateSource: 'static_wallet',
      fixedAt: now,
      requiredConfirmations:
        project.confirmations[currency.code] ?? DEFAULT_CONFIRMATIONS[currency.chain],
      active: true,
    };
    const payment = paymentFromTransfer(t, quote, now);
    await uow.invoices.insert(invoice);
    await uow.quotes.insert(quote);
    // The ledger checked the key before handing over; a clash here means a concurrent writer won.
    if (!(await uow.payments.insertIfNew(payment)))
      throw new KassaError('conflict', 'payment recorded concurrently');
    const events: PendingEvent[] = [
      { type: 'invoice.created' },
      { type: 'invoice.quote_fixed' },
      { type: 'payment.seen', payment },
    ];
    if (payment.confirmations >= quote.requiredConfirmations)
      events.push({ type: 'payment.confirmed', payment });
    await settle(this.ctx, uow, invoice.id, events);
    return invoice.id;
  }
}

/** A watch-list entry for a static address (it has no quote of its own). */
export function staticWatchEntry(w: StaticWallet): WatchedAddress {
  return {
    quoteId: '',
    invoiceId: '',
    currency: w.currency,
    address: `${STATIC_WATCH_PREFIX}${w.id}`,
  };
}

/** The watch list plus every static wallet's address, so watchers report payments to them. */
export class StaticAwareWatchList extends MemoryWatchList {
  constructor(
    store: InvoiceStore,
    clock: Clock,
    private readonly wallets: StaticWallets,
  ) {
    super(store, clock);
  }

  /** Static wallets first: their earlier payments' quotes are watched under the same address. */
  override lookup(chain: string, address: string): WatchedAddress | undefined {
    const w = this.wallets.lookup(chain, address);
    return w ? staticWatchEntry(w) : super.lookup(chain, address);
  }

  override size(chain: string): number {
    return super.size(chain) + this.wallets.count(chain);
  }

  override async refresh(): Promise<void> {
    await super.refresh();
    await this.wallets.load();
  }
}
