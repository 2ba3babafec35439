/**
 * What the TRON watcher tests drive: the real payment recorder on its own
 * store (noting what it is told), an in-memory watch list of real quotes and
 * a cursor store.
 */
import type {
  BlockRef,
  ChainCursorStore,
  ObservedTransfer,
  WatchedAddress,
  WatchList,
} from '../../../src/app/ports/chain.js';
import { StoreLedger, type StoredPayment } from '../../support/store-ledger.js';

export interface RecordedPayment extends StoredPayment {
  /** How many times recordTransfer saw it. */
  seen: number;
}

/** The real recorder on its own store; notes what the watcher said for assertions. */
export class RecordingLedger extends StoreLedger {
  readonly disconnects: number[] = [];
  readonly tips: number[] = [];
  readonly dropped: string[] = [];
  private readonly seen = new Map<string, number>();
  tip: number | null = null;

  override recordTransfer(t: ObservedTransfer): Promise<void> {
    const key = `${t.txid}:${t.index}`;
    this.seen.set(key, (this.seen.get(key) ?? 0) + 1);
    return super.recordTransfer(t);
  }

  override async tipChanged(chain: string, height: number): Promise<void> {
    await super.tipChanged(chain, height);
    this.tip = height;
    this.tips.push(height);
  }

  override blocksDisconnected(chain: string, fromHeight: number): Promise<void> {
    this.disconnects.push(fromHeight);
    return super.blocksDisconnected(chain, fromHeight);
  }

  override transactionDropped(chain: string, txid: string): Promise<void> {
    this.dropped.push(txid);
    return super.transactionDropped(chain, txid);
  }

  /** The payment as stored, with how often the watcher reported it. */
  payment(txid: string, index: number): RecordedPayment | undefined {
    const key = `${txid}:${index}`;
    const p = this.payments.get(key);
    return p && { ...p, seen: this.seen.get(key) ?? 0 };
  }

  confirmations(txid: string, index: number): number {
    return this.payments.get(`${txid}:${index}`)?.confirmations ?? 0;
  }

  paidTo(address: string, currency: string): bigint {
    let sum = 0n;
    for (const p of this.payments.values()) {
      if (p.address === address && p.transfer.currency === currency) sum += p.amount;
    }
    return sum;
  }
}

/** Watched addresses, each a real quote in the ledger's store. */
export class MapWatchList implements WatchList {
  private readonly live = new Map<string, WatchedAddress>();
  private readonly pending: WatchedAddress[] = [];
  refreshes = 0;

  constructor(private readonly ledger: StoreLedger) {}

  /** Visible to the watcher after its next refresh, like an address created by another process. */
  watch(address: string, currency: string): void {
    this.pending.push({ ...this.ledger.quote('TRON', address, currency), currency, address });
  }

  lookup(_chain: string, address: string): WatchedAddress | undefined {
    return this.live.get(address);
  }

  size(): number {
    return this.live.size;
  }

  async refresh(): Promise<void> {
    this.refreshes += 1;
    for (const a of this.pending.splice(0)) this.live.set(a.address, a);
  }
}

export class MemoryCursorStore implements ChainCursorStore {
  private readonly hashes = new Map<number, string>();
  private cursor: BlockRef | null = null;
  /** Every height passed to advance, in order. */
  readonly advanced: number[] = [];

  async load(): Promise<BlockRef | null> {
    return this.cursor;
  }

  async advance(_chain: string, block: BlockRef & { parentHash: string | null }): Promise<void> {
    this.hashes.set(block.height, block.hash);
    this.cursor = { height: block.height, hash: block.hash };
    this.advanced.push(block.height);
  }

  async hashAt(_chain: string, height: number): Promise<string | null> {
    return this.hashes.get(height) ?? null;
  }

  async rewind(_chain: string, fromHeight: number): Promise<void> {
    for (const h of [...this.hashes.keys()]) if (h >= fromHeight) this.hashes.delete(h);
    const below = this.hashes.get(fromHeight - 1);
    this.cursor = below === undefined ? null : { height: fromHeight - 1, hash: below };
  }

  async prune(_chain: string, belowHeight: number): Promise<void> {
    for (const h of [...this.hashes.keys()]) if (h < belowHeight) this.hashes.delete(h);
  }
}

export const silentLogger = { info() {}, warn() {}, error() {}, debug() {} };

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function until<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
