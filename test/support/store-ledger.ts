/**
 * The real PaymentRecorder over a fresh in-memory SQLite store, for watcher
 * tests: each watched address is a real invoice's quote, and what the tests
 * read back (payments, blocks, dropped flags, confirmations) is what the
 * recorder wrote to the store. Calls are delegated unchanged; the subclasses
 * only note them for assertions on what the watcher said.
 */
import { createAccount, createProject } from '../../src/app/accounts.js';
import type { AppContext } from '../../src/app/context.js';
import { newId } from '../../src/app/ids.js';
import { PaymentRecorder } from '../../src/app/payments.js';
import type {
  ObservedTransfer,
  PaymentLedger,
  UnminedTransaction,
} from '../../src/app/ports/chain.js';
import { systemClock } from '../../src/app/ports/clock.js';
import { eventRouting } from '../../src/callbacks/routing.js';
import { evmFamily } from '../../src/chains/evm/index.js';
import { tronFamily } from '../../src/chains/tron/index.js';
import { utxoFamily } from '../../src/chains/utxo/index.js';
import type { Payment } from '../../src/domain/invoice.js';
import { migrateToLatest, openStore, type Store } from '../../src/store/database.js';
import { invoiceStore } from '../../src/store/kysely-store.js';

/** A payment as the store holds it, with the last transfer the watcher reported for it. */
export interface StoredPayment extends Payment {
  readonly transfer: ObservedTransfer;
}

export class StoreLedger implements PaymentLedger {
  readonly store: Store;
  readonly ctx: AppContext;
  readonly recorder: PaymentRecorder;
  /** Payments as the store held them after the last call, keyed `txid:index`. */
  readonly payments = new Map<string, StoredPayment>();
  private readonly transfers = new Map<string, ObservedTransfer>();
  private readonly invoiceIds: string[] = [];
  /** Migrations, the merchant, then every quote asked for: awaited before each call. */
  private setup: Promise<unknown>;
  private projectId = '';
  private accountId = '';

  constructor() {
    this.store = openStore({ sqlitePath: ':memory:' });
    this.ctx = {
      store: invoiceStore(this.store, eventRouting),
      clock: systemClock,
      rates: {
        rate: () => Promise.reject(new Error('watcher tests fix no rates')),
      },
      chains: { utxo: utxoFamily, evm: evmFamily, tron: tronFamily },
      settings: {
        publicUrl: 'http://127.0.0.1',
        testMode: false,
        latePaymentWindowMs: 0,
        addressReuseCooldownMs: 0,
        networks: { BTC: 'regtest', LTC: 'regtest' },
        evmChainId: 31337,
        tokenContracts: {},
      },
    };
    this.recorder = new PaymentRecorder(this.ctx);
    this.setup = this.openMerchant();
  }

  private async openMerchant(): Promise<void> {
    await migrateToLatest(this.store);
    const account = await createAccount(this.ctx, 'watcher tests');
    const { project } = await createProject(this.ctx, account.id, { name: 'watcher tests' });
    this.accountId = account.id;
    this.projectId = project.id;
  }

  /**
   * A new invoice with an active quote for `currency` paid to `address` on `chain`:
   * what a watched address is. Synchronous for the watch lists; every ledger call
   * waits for it to be stored.
   */
  quote(chain: string, address: string, currency: string): { invoiceId: string; quoteId: string } {
    const now = Date.now();
    const invoiceId = newId('inv', now);
    const quoteId = newId('quote', now);
    this.invoiceIds.push(invoiceId);
    this.setup = this.setup.then(() =>
      this.ctx.store.transaction(async (uow) => {
        await uow.invoices.insert({
          id: invoiceId,
          shortId: invoiceId.slice(-8).toUpperCase(),
          projectId: this.projectId,
          accountId: this.accountId,
          amount: '10',
          priceCurrency: 'USD',
          orderId: null,
          email: null,
          description: null,
          expiresAt: null,
          availableCurrencies: null,
          testMode: false,
          locale: 'en',
          metadata: null,
          lockedRates: null,
          status: 'created',
          context: null,
          resolution: null,
          manualResolution: null,
          cancelledAt: null,
          createdAt: now,
          updatedAt: now,
          receivedConfirmed: 0n,
          receivedUnconfirmed: 0n,
          watchUntil: null,
        });
        await uow.quotes.insert({
          id: quoteId,
          invoiceId,
          currency,
          chain,
          address,
          derivationIndex: null,
          amountDue: 10n ** 30n,
          rate: '1',
          rateSource: 'fixed',
          fixedAt: now,
          requiredConfirmations: 1,
          active: true,
        });
      }),
    );
    return { invoiceId, quoteId };
  }

  /** Runs `call` on the real recorder once every quote is stored, then reads the payments back. */
  private async delegate<T>(call: () => Promise<T>): Promise<T> {
    await this.setup;
    const result = await call();
    await this.reload();
    return result;
  }

  private async reload(): Promise<void> {
    const stored: Payment[] = [];
    for (const id of this.invoiceIds)
      stored.push(...(await this.ctx.store.payments.forInvoice(id)));
    // Payment ids sort by creation: the order the recorder first stored them in.
    stored.sort((a, b) => (a.id < b.id ? -1 : 1));
    this.payments.clear();
    for (const p of stored) {
      const key = `${p.txid}:${p.outputIndex}`;
      const transfer = this.transfers.get(key);
      if (!transfer) throw new Error(`stored payment ${key} was never reported`);
      this.payments.set(key, { ...p, transfer });
    }
  }

  recordTransfer(t: ObservedTransfer): Promise<void> {
    this.transfers.set(`${t.txid}:${t.index}`, t);
    return this.delegate(() => this.recorder.recordTransfer(t));
  }

  tipChanged(chain: string, height: number): Promise<void> {
    return this.delegate(() => this.recorder.tipChanged(chain, height));
  }

  blocksDisconnected(chain: string, fromHeight: number): Promise<void> {
    return this.delegate(() => this.recorder.blocksDisconnected(chain, fromHeight));
  }

  transactionDropped(chain: string, txid: string): Promise<void> {
    return this.delegate(() => this.recorder.transactionDropped(chain, txid));
  }

  unminedTransactions(chain: string): Promise<readonly UnminedTransaction[]> {
    return this.delegate(() => this.recorder.unminedTransactions(chain));
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
