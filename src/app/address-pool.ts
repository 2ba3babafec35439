/**
 * Addresses derived ahead of time, per wallet: a request takes a ready address
 * instead of running BIP32 derivation. Refilled in the background below a
 * watermark and persisted, so a restart loads them instead of deriving again.
 * Indexes come from the wallet's counter row, so nothing is reused however
 * many processes share the database. By default each create advances it in its
 * own transaction (no index is ever skipped); with `reserve`, a process takes a
 * block of indexes at once in a transaction of its own, so creates on several
 * processes do not queue on that row, and a restart skips what was left of it.
 */
import type { AddressSource, WalletRef } from './ports/addresses.js';
import type { InvoiceStore } from './ports/store.js';
import { derivationSourceId } from './wallet-addresses.js';

export interface PoolOptions {
  /** Addresses kept derived ahead of the last index handed out. */
  readonly size: number;
  /** Refill when fewer than this many are left ahead. */
  readonly watermark: number;
  /** Indexes reserved at once per wallet (0: none, the create's transaction takes each). */
  readonly reserve: number;
}

export const DEFAULT_POOL: PoolOptions = { size: 256, watermark: 64, reserve: 0 };
/** Block size where indexes are reserved: at most this many are skipped per process restart. */
export const RESERVED_INDEXES = 32;

interface Reserved {
  /** Reserved and not handed out yet, in order. */
  readonly ranges: { next: number; end: number }[];
  highestUsed: number;
  reserving: Promise<void> | null;
}
/** Addresses derived (one batch) and saved (one statement) between two yields to the event loop. */
const CHUNK = 32;

interface WalletPool {
  readonly ready: Map<number, string>;
  /** Highest index derived or loaded so far. */
  ahead: number;
  /** Highest index asked for: a refill does not derive what is already handed out. */
  taken: number;
  refilling: Promise<void> | null;
}

export class AddressPool implements AddressSource {
  private readonly pools = new Map<string, WalletPool>();
  private readonly reserved = new Map<string, Reserved>();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly store: InvoiceStore,
    private readonly onError: (err: unknown) => void,
    private readonly options: PoolOptions = DEFAULT_POOL,
  ) {}

  take(w: WalletRef): { idx: number; highestUsed: number } | null {
    const n = this.options.reserve;
    if (n === 0) return null;
    const key = `${w.projectId}\n${w.chain}\n${w.walletId}`;
    let r = this.reserved.get(key);
    if (!r) this.reserved.set(key, (r = { ranges: [], highestUsed: -1, reserving: null }));
    const range = r.ranges[0];
    const idx = range ? range.next++ : null;
    if (range && range.next >= range.end) r.ranges.shift();
    const left = r.ranges.reduce((sum, x) => sum + x.end - x.next, 0);
    if (left < Math.min(this.options.watermark, n) && !r.reserving) {
      const held = r;
      // In a transaction of its own, after the caller's (which holds the connection on SQLite).
      this.track(
        new Promise<void>((done) => setImmediate(done))
          .then(() =>
            this.store.transaction((uow) =>
              uow.addresses.reserve(w.projectId, w.chain, w.walletId, n),
            ),
          )
          .then((got) => {
            held.highestUsed = got.highestUsed;
            const id = derivationSourceId(w);
            const pool = this.poolOf(id);
            for (const [k, address] of deriveRange(w, got.idx, n).entries())
              pool.ready.set(got.idx + k, address);
            held.ranges.push({ next: got.idx, end: got.idx + n });
          }),
        (p) => {
          held.reserving = p;
        },
        () => (held.reserving = null),
      );
    }
    return idx === null ? null : { idx, highestUsed: r.highestUsed };
  }

  private poolOf(id: string): WalletPool {
    let pool = this.pools.get(id);
    if (!pool)
      this.pools.set(id, (pool = { ready: new Map(), ahead: -1, taken: -1, refilling: null }));
    return pool;
  }

  private track(work: Promise<void>, started: (p: Promise<void>) => void, ended: () => void): void {
    const p: Promise<void> = work.catch(this.onError).finally(() => {
      ended();
      this.pending.delete(p);
    });
    started(p);
    this.pending.add(p);
  }

  async addressAt(w: WalletRef, index: number): Promise<string> {
    const id = derivationSourceId(w);
    const pool = this.poolOf(id);
    if (index > pool.taken) pool.taken = index;
    let address = pool.ready.get(index);
    pool.ready.delete(index);
    // A miss (first use, or another process took the pooled indexes): derive this one now.
    address ??= derive(w, index);
    // Reserved blocks are derived when reserved; only counter-per-create wallets refill ahead.
    if (this.options.reserve > 0) return address;
    for (const i of pool.ready.keys()) if (i < index) pool.ready.delete(i);
    if (pool.ahead - index < this.options.watermark && !pool.refilling) {
      // Runs after the caller's transaction: a store query inside it would wait on the transaction.
      this.track(
        new Promise<void>((r) => setImmediate(r)).then(() => this.refill(w, id, pool, index + 1)),
        (p) => {
          pool.refilling = p;
        },
        () => (pool.refilling = null),
      );
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
    let i = start;
    for (;;) {
      // Requests may have gone past `i` while the last batch was saved: those are handed out already.
      i = Math.max(i, pool.taken + 1);
      while (i < until && pool.ready.has(i)) i++;
      if (i >= until) break;
      let end = i + 1;
      while (end < until && end - i < CHUNK && !pool.ready.has(end)) end++;
      const first = i;
      const addresses = deriveRange(w, first, end - first);
      await this.keep(
        id,
        pool,
        addresses.map((address, k) => ({ idx: first + k, address })),
      );
      i = end;
    }
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

function deriveRange(w: WalletRef, from: number, count: number): string[] {
  const args = { key: w.key, currency: w.currency, network: w.network };
  if (w.family.deriveAddresses) return w.family.deriveAddresses({ ...args, from, count });
  return Array.from({ length: count }, (_, k) =>
    w.family.deriveAddress({ ...args, index: from + k }),
  );
}

function derive(w: WalletRef, index: number): string {
  return w.family.deriveAddress({ key: w.key, index, currency: w.currency, network: w.network });
}
