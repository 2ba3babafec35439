/**
 * Collecting forwarder deposit addresses: which payments still sit on their
 * deposit address, the ready collect transaction for them, recording the
 * collect transactions seen on chain (whoever sent them), and the optional
 * automatic collection with a gas-only key under a policy.
 */
import { KassaError } from '../domain/errors.js';
import { cryptoCurrency } from '../domain/currencies.js';
import { parseDecimal, unitsToPrice } from '../domain/money.js';
import type { Project } from '../domain/project.js';
import type { AppContext } from './context.js';
import { newId } from './ids.js';
import { settle } from './settle.js';
import type {
  CollectionItem,
  CollectionRecord,
  CollectionStore,
  CollectorChain,
  ForwarderScheme,
  ObservedCollect,
  UncollectedPayment,
  UnexpectedDeposit,
} from './ports/collections.js';
import type { ObservedTransfer, WatchedAddress } from './ports/chain.js';

export const COLLECT_CHAIN = 'ETH';

export interface CollectPlan {
  readonly chain: string;
  readonly factory: string;
  readonly treasury: string;
  /** The transaction to send: call `collect` on the factory, no value. */
  readonly to: string;
  readonly data: string;
  readonly value: '0';
  readonly salts: readonly string[];
  readonly addresses: readonly string[];
  readonly tokens: readonly string[];
  readonly payments: readonly UncollectedPayment[];
  /** Smallest units per currency code. */
  readonly totals: Readonly<Record<string, bigint>>;
}

export interface CollectPolicy {
  /** Deposit addresses per collect transaction. */
  readonly batchSize: number;
  /** No automatic collection while the node's gas price is above this (wei). */
  readonly maxGasPrice: bigint;
  /** An address is collected automatically only when its value is at least this many times its gas cost. */
  readonly minValueToCost: string;
}

interface Deposit {
  readonly address: string;
  readonly salt: string;
  readonly payments: UncollectedPayment[];
}

const lower = (s: string) => s.toLowerCase();

export class CollectionService {
  constructor(
    private readonly ctx: AppContext,
    private readonly store: CollectionStore,
    private readonly scheme: ForwarderScheme,
    private readonly chain: CollectorChain | null,
  ) {}

  /** Confirmed payments still on forwarder deposit addresses, grouped into collect transactions. */
  async plan(
    opts: { accountId?: string; batchSize?: number; extraTokens?: readonly string[] } = {},
  ): Promise<CollectPlan[]> {
    const batchSize = opts.batchSize ?? 50;
    const pending = (await this.store.uncollected(COLLECT_CHAIN)).filter(
      (p) => p.confirmed && (!opts.accountId || p.accountId === opts.accountId),
    );
    // One collect transaction per factory and treasury; deposits in payment order.
    const groups = new Map<
      string,
      { factory: string; treasury: string; deposits: Map<string, Deposit> }
    >();
    for (const p of pending) {
      const wallet = await this.forwarderOf(p);
      if (!wallet) continue;
      const key = `${lower(wallet.factory)}:${lower(wallet.treasury)}`;
      const g = groups.get(key) ?? { ...wallet, deposits: new Map<string, Deposit>() };
      groups.set(key, g);
      const d = g.deposits.get(lower(p.address)) ?? {
        address: p.address,
        salt: this.scheme.salt(p.derivationIndex!),
        payments: [],
      };
      d.payments.push(p);
      g.deposits.set(lower(p.address), d);
    }
    const plans: CollectPlan[] = [];
    for (const g of groups.values()) {
      const deposits = [...g.deposits.values()];
      for (let i = 0; i < deposits.length; i += batchSize) {
        plans.push(
          this.planFor(
            g.factory,
            g.treasury,
            deposits.slice(i, i + batchSize),
            opts.extraTokens ?? [],
          ),
        );
      }
    }
    return plans;
  }

  /** A collect transaction for the given deposits and extra tokens (those Kassa lists are always included). */
  planFor(
    factory: string,
    treasury: string,
    deposits: readonly Deposit[],
    extraTokens: readonly string[],
  ): CollectPlan {
    const tokens = new Set<string>();
    const totals: Record<string, bigint> = Object.create(null) as Record<string, bigint>;
    const payments = deposits.flatMap((d) => d.payments);
    for (const p of payments) {
      totals[p.currency] = (totals[p.currency] ?? 0n) + p.amount;
      const contract = this.ctx.settings.tokenContracts[p.currency];
      if (contract) tokens.add(lower(contract));
    }
    for (const t of extraTokens) tokens.add(lower(t));
    const salts = deposits.map((d) => d.salt);
    const call = this.scheme.collectCall({ factory, treasury, salts, tokens: [...tokens] });
    return {
      chain: COLLECT_CHAIN,
      factory,
      treasury,
      to: call.to,
      data: call.data,
      value: '0',
      salts,
      addresses: deposits.map((d) => d.address),
      tokens: [...tokens],
      payments,
      totals,
    };
  }

  /**
   * A collect transaction for explicit deposit indexes of a project, e.g. a token Kassa
   * does not list that a customer sent by mistake: pass its contract in `tokens`.
   */
  async planDeposits(
    accountId: string,
    shopId: string,
    indexes: readonly number[],
    tokens: readonly string[],
  ): Promise<CollectPlan> {
    const project = await this.ctx.store.projects.get(shopId);
    if (!project || project.accountId !== accountId) {
      throw new KassaError('not_found', 'project not found', 'shop_id');
    }
    const key = project.wallets[COLLECT_CHAIN]?.key;
    const wallet = key ? this.scheme.parseKey(key) : null;
    if (!wallet) {
      throw new KassaError('invalid_request', 'the project has no ETH forwarder wallet', 'shop_id');
    }
    const deposits = indexes.map((index) => ({
      address: this.scheme.depositAddress({ ...wallet, index }),
      salt: this.scheme.salt(index),
      payments: [],
    }));
    return this.planFor(wallet.factory, wallet.treasury, deposits, tokens);
  }

  /** The ready collect transaction(s) for an account, with a gas estimate from the node. */
  async transactions(
    accountId: string,
    opts: { batchSize?: number; from?: string; extraTokens?: readonly string[] } = {},
  ): Promise<(CollectPlan & { gas: bigint | null })[]> {
    const plans = await this.plan({ ...opts, accountId });
    const out: (CollectPlan & { gas: bigint | null })[] = [];
    for (const p of plans) {
      let gas: bigint | null = null;
      if (this.chain) {
        gas = await this.chain.estimateGas({
          to: p.to,
          data: p.data,
          ...(opts.from ? { from: opts.from } : {}),
        });
      }
      out.push({ ...p, gas });
    }
    return out;
  }

  /** Records a mined collect transaction: the payments it moved to the treasury. Idempotent. */
  async recordCollect(c: ObservedCollect): Promise<CollectionRecord | null> {
    const existing = await this.store.byTxid(c.chain, c.txid);
    if (existing && existing.status === 'mined' && existing.blockHash === c.blockHash)
      return existing;
    if (!c.succeeded || c.sweeps.length === 0) return null;
    const swept = new Map(c.sweeps.map((s) => [lower(s.deposit), lower(s.treasury)]));
    const moved = new Set(
      c.tokenTransfers.map((t) => `${lower(t.token)}:${lower(t.from)}:${lower(t.to)}`),
    );
    const items: CollectionItem[] = [];
    let treasury = c.sweeps[0]!.treasury;
    const order = new Map(c.blockTxids.map((t, i) => [lower(t), i]));
    const collectAt = order.get(lower(c.txid));
    for (const p of await this.store.uncollected(c.chain)) {
      const to = swept.get(lower(p.address));
      if (!to || p.blockHeight > c.blockHeight) continue;
      if (p.blockHeight === c.blockHeight) {
        // Same block: only what was mined before the collect transaction was swept by it.
        const at = order.get(lower(p.txid));
        if (at === undefined || collectAt === undefined || at >= collectAt) continue;
      }
      const wallet = await this.forwarderOf(p);
      // The address must be this project's own deposit address under this factory and treasury.
      if (!wallet || lower(wallet.treasury) !== to || lower(wallet.factory) !== lower(c.factory))
        continue;
      const contract = this.ctx.settings.tokenContracts[p.currency];
      // SELFDESTRUCT moves all ETH; a token counts only when its transfer to the treasury happened.
      if (contract && !moved.has(`${lower(contract)}:${lower(p.address)}:${to}`)) continue;
      treasury = wallet.treasury;
      items.push({
        paymentId: p.paymentId,
        invoiceId: p.invoiceId,
        address: p.address,
        currency: p.currency,
        amount: p.amount,
        ...(p.unexpected ? { unexpected: true } : {}),
      });
    }
    if (items.length === 0 && !existing) return null;
    const record: CollectionRecord = {
      id: existing?.id ?? newId('col', this.ctx.clock.now()),
      chain: c.chain,
      txid: c.txid,
      factory: c.factory,
      treasury,
      sender: c.sender,
      status: 'mined',
      blockHeight: c.blockHeight,
      blockHash: c.blockHash,
      gasUsed: c.gasUsed,
      gasPrice: c.gasPrice,
      fee: c.gasUsed * c.gasPrice,
      createdAt: existing?.createdAt ?? this.ctx.clock.now(),
      items,
    };
    await this.store.save(record);
    return record;
  }

  /**
   * A watcher saw `t` arrive at an address quoted for another currency (`watched`): a
   * customer's money the merchant must learn about, and collect with the rest.
   */
  async recordUnexpected(t: ObservedTransfer, watched: WatchedAddress): Promise<void> {
    if (t.blockHeight === null || t.blockHash === null) return;
    const now = this.ctx.clock.now();
    const d: UnexpectedDeposit = {
      id: newId('unx', now),
      chain: t.chain,
      txid: t.txid,
      index: t.index,
      invoiceId: watched.invoiceId,
      quoteId: watched.quoteId,
      address: t.address,
      currency: t.currency,
      amount: t.amount,
      blockHash: t.blockHash,
      blockHeight: t.blockHeight,
      collectionId: null,
      createdAt: now,
    };
    // The record and its event (and callbacks) commit together, once per transfer.
    const invoiceId = await this.ctx.store.transaction(async (uow) => {
      if (!(await uow.unexpectedDeposits.insertIfNew(d))) return null;
      await settle(this.ctx, uow, d.invoiceId, [
        {
          type: 'payment.unexpected',
          extra: {
            unexpected_payment: {
              id: d.id,
              chain: d.chain,
              txid: d.txid,
              address: d.address,
              currency: d.currency,
              expected_currency: watched.currency,
              amount_units: String(d.amount),
              block_height: d.blockHeight,
            },
          },
        },
      ]);
      return d.invoiceId;
    });
    if (invoiceId) this.ctx.onInvoiceChanged?.(invoiceId);
  }

  /** The watcher rolled back blocks at `fromHeight` and above: it reads them again. */
  async unexpectedDisconnected(chain: string, fromHeight: number): Promise<void> {
    await this.store.unexpectedDisconnected(chain, fromHeight);
  }

  /** Wrong coins on the account's invoices, newest first. */
  async unexpected(accountId: string, limit = 100): Promise<UnexpectedDeposit[]> {
    return this.store.listUnexpected(accountId, limit);
  }

  /** Blocks at `fromHeight` and above left the chain: their collections no longer count. */
  async blocksDisconnected(chain: string, fromHeight: number): Promise<void> {
    await this.store.orphanFrom(chain, fromHeight, this.ctx.clock.now());
  }

  /**
   * The blocks from..to were read from the canonical chain and held exactly `txids` as
   * collect transactions: any other collection recorded there (by the collector, from a
   * block since replaced) no longer counts.
   */
  async rangeScanned(chain: string, from: number, to: number, txids: readonly string[]) {
    await this.store.orphanMissing(chain, from, to, txids, this.ctx.clock.now());
  }

  /** The account's collections, newest first; items limited to the account's invoices. */
  async list(accountId: string, limit = 100): Promise<CollectionRecord[]> {
    const rows = await this.store.list(accountId, limit);
    const own = new Set<string>();
    for (const r of rows) for (const it of r.items) own.add(it.invoiceId);
    const mine = new Set<string>();
    for (const id of own) {
      const inv = await this.ctx.store.invoices.get(id);
      if (inv?.accountId === accountId) mine.add(id);
    }
    return rows.map((r) => ({ ...r, items: r.items.filter((it) => mine.has(it.invoiceId)) }));
  }

  /** Value still on deposit addresses, per currency (smallest units), for the metric. */
  async uncollectedTotals(): Promise<Record<string, bigint>> {
    const totals: Record<string, bigint> = Object.create(null) as Record<string, bigint>;
    for (const p of await this.store.uncollected(COLLECT_CHAIN)) {
      if (!(await this.forwarderOf(p))) continue;
      totals[p.currency] = (totals[p.currency] ?? 0n) + p.amount;
    }
    return totals;
  }

  /**
   * One round of automatic collection with the collector key: plans within the batch
   * size, skipped entirely above the gas price ceiling, and only addresses worth more
   * than `minValueToCost` times their share of the gas. Returns what was mined.
   */
  async autoCollect(policy: CollectPolicy): Promise<ObservedCollect[]> {
    const chain = this.chain;
    if (!chain?.sender) throw new KassaError('invalid_state', 'no collector key is configured');
    const gasPrice = await chain.gasPrice();
    if (gasPrice > policy.maxGasPrice) return [];
    const mined: ObservedCollect[] = [];
    for (const plan of await this.plan({ batchSize: policy.batchSize })) {
      const gas = await chain.estimateGas({ to: plan.to, data: plan.data, from: chain.sender });
      const perAddress = (gas * gasPrice) / BigInt(plan.addresses.length);
      const ratio = parseDecimal(policy.minValueToCost);
      const threshold = (perAddress * ratio.units) / 10n ** BigInt(ratio.scale);
      const worth: string[] = [];
      for (const address of plan.addresses) {
        const value = await this.valueInEth(
          plan.payments.filter((p) => lower(p.address) === lower(address)),
        );
        if (value === null || value >= threshold) worth.push(address);
      }
      if (worth.length === 0) continue;
      const deposits = worth.map((a) => ({
        address: a,
        salt: plan.salts[plan.addresses.indexOf(a)]!,
        payments: plan.payments.filter((p) => lower(p.address) === lower(a)),
      }));
      const send =
        worth.length === plan.addresses.length
          ? plan
          : await this.planFor(plan.factory, plan.treasury, deposits, []);
      const sendGas =
        send === plan
          ? gas
          : await chain.estimateGas({ to: send.to, data: send.data, from: chain.sender });
      const result = await chain.sendAndWait({ to: send.to, data: send.data, gas: sendGas });
      if (result) {
        await this.recordCollect(result);
        mined.push(result);
      }
    }
    return mined;
  }

  /** Value of payments in wei of ETH, or null when a rate is unavailable (then collected anyway). */
  private async valueInEth(payments: readonly UncollectedPayment[]): Promise<bigint | null> {
    let wei = 0n;
    for (const p of payments) {
      if (p.currency === 'ETH') {
        wei += p.amount;
        continue;
      }
      const c = cryptoCurrency(p.currency);
      if (!c) return null;
      try {
        const rate = await this.ctx.rates.rate(p.currency, 'ETH');
        wei += unitsToPrice(p.amount, c.decimals, parseDecimal(rate.rate, 30, 30), 18).units;
      } catch {
        return null;
      }
    }
    return wei;
  }

  /** Projects change rarely; a short cache spares one query per payment in a scan. */
  private readonly projects = new Map<string, { at: number; project: Project | undefined }>();

  private async projectOf(id: string): Promise<Project | undefined> {
    const now = this.ctx.clock.now();
    const hit = this.projects.get(id);
    if (hit && now - hit.at < 5_000) return hit.project;
    const project = await this.ctx.store.projects.get(id);
    this.projects.set(id, { at: now, project });
    return project;
  }

  private async forwarderOf(
    p: UncollectedPayment,
  ): Promise<{ factory: string; treasury: string } | null> {
    if (p.derivationIndex === null) return null;
    const project = await this.projectOf(p.projectId);
    const key = project?.wallets[COLLECT_CHAIN]?.key;
    const wallet = key ? this.scheme.parseKey(key) : null;
    if (!wallet) return null;
    // A changed wallet key no longer derives this address: leave it alone rather than guess.
    const expected = this.scheme.depositAddress({ ...wallet, index: p.derivationIndex });
    return lower(expected) === lower(p.address) ? wallet : null;
  }
}
