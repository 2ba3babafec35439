/**
 * Addresses derived ahead of time, per wallet: a request takes a ready address
 * instead of running BIP32 derivation. Refilled in the background below a
 * watermark and persisted, so a restart loads them instead of deriving again.
 * The pool never hands out indexes itself: the wallet's counter row does, so
 * nothing is skipped or reused however many processes share the database.
 */
import type { AddressSource, WalletRef } from './ports/addresses.js';
import type { InvoiceStore } from './ports/store.js';
import { derivationSourceId } from './wallet-addresses.js';

export interface PoolOptions {
  /** Addresses kept derived ahead of the last index handed out. */
  readonly size: number;
  /** Refill when fewer than this many are left ahead. */
  readonly watermark: number;
}

export const DEFAULT_POOL: PoolOptions = { size: 256, watermark: 64 };
/** Derivations between two yields to the event loop while refilling. */
const CHUNK = 16;

interface WalletPool {
  readonly ready: Map<number, string>;
  /** Highest index derived or loaded so far. */
  ahead: number;
  refilling: Promise<void> | null;
}

export class AddressPool implements AddressSource {
  private readonly pools = new Map<string, WalletPool>();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly store: InvoiceStore,
    private readonly onError: (err: unknown) => void,
    private readonly options: PoolOptions = DEFAULT_POOL,
  ) {}

  async addressAt(w: WalletRef, index: number): Promise<string> {
    const id = derivationSourceId(w);
    let pool = this.pools.get(id);
    if (!pool) this.pools.set(id, (pool = { ready: new Map(), ahead: -1, refilling: null }));
    let address = pool.ready.get(index);
    pool.ready.delete(index);
    for (const i of pool.ready.keys()) if (i < index) pool.ready.delete(i);
    // A miss (first use, or another process took the pooled indexes): derive this one now.
    address ??= derive(w, index);
    if (pool.ahead - index < this.options.watermark && !pool.refilling) {
      // Runs after the caller's transaction: a store query inside it would wait on the transaction.
      const p = new Promise<void>((r) => setImmediate(r))
        .then(() => this.refill(w, id, pool, index + 1))
        .catch(this.onError)
        .finally(() => {
          pool.refilling = null;
          this.pending.delete(p);
        });
      pool.refilling = p;
      this.pending.add(p);
    }
    return address;
  }

  /** Resolves once every refill under way has finished (shutdown, tests). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async refill(w: WalletRef, id: string, pool: WalletPool, from: number) {
    const until = from + this.options.size;
    const start = Math.max(from, pool.ahead + 1);
    for (const r of await this.store.addresses.derived(id, start, until - start)) {
      pool.ready.set(r.idx, r.address);
      if (r.idx > pool.ahead) pool.ahead = r.idx;
    }
    const batch: { idx: number; address: string }[] = [];
    for (let i = Math.max(start, pool.ahead + 1); i < until; i++) {
      if (pool.ready.has(i)) continue;
      batch.push({ idx: i, address: derive(w, i) });
      if (batch.length === CHUNK) await this.keep(id, pool, batch.splice(0));
    }
    await this.keep(id, pool, batch);
    await this.store.transaction((uow) => uow.addresses.forgetDerived(id, from));
  }

  private async keep(id: string, pool: WalletPool, rows: { idx: number; address: string }[]) {
    if (rows.length === 0) return;
    await this.store.transaction((uow) => uow.addresses.saveDerived(id, rows));
    for (const r of rows) pool.ready.set(r.idx, r.address);
    pool.ahead = Math.max(pool.ahead, rows[rows.length - 1]!.idx);
    await new Promise((r) => setImmediate(r));
  }
}

function derive(w: WalletRef, index: number): string {
  return w.family.deriveAddress({ key: w.key, index, currency: w.currency, network: w.network });
}
