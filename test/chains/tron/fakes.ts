/**
 * In-memory stand-ins for the ports a watcher drives: a ledger that records
 * what it is told (and derives confirmations like the real one), a watch list
 * and a cursor store.
 */
import type {
  BlockRef,
  ChainCursorStore,
  ObservedTransfer,
  PaymentLedger,
  WatchedAddress,
  WatchList,
  UnminedTransaction,
} from '../../../src/app/ports/chain.js';
import { unmined } from '../../support/unmined.js';

export interface RecordedPayment {
  transfer: ObservedTransfer;
  blockHeight: number | null;
  blockHash: string | null;
  /** How many times recordTransfer saw it. */
  seen: number;
  /** Reported gone while unmined; seen again, it counts again (as PaymentRecorder does). */
  dropped: boolean;
}

export class RecordingLedger implements PaymentLedger {
  readonly payments = new Map<string, RecordedPayment>();
  readonly disconnects: number[] = [];
  readonly tips: number[] = [];
  readonly dropped: string[] = [];
  tip: number | null = null;

  async recordTransfer(t: ObservedTransfer): Promise<void> {
    const key = `${t.txid}:${t.index}`;
    const p = this.payments.get(key);
    if (p) {
      p.blockHeight = t.blockHeight;
      p.blockHash = t.blockHash;
      p.seen += 1;
      p.dropped = false;
    } else {
      this.payments.set(key, {
        transfer: t,
        blockHeight: t.blockHeight,
        blockHash: t.blockHash,
        seen: 1,
        dropped: false,
      });
    }
  }

  async tipChanged(_chain: string, height: number): Promise<void> {
    this.tip = height;
    this.tips.push(height);
  }

  async blocksDisconnected(_chain: string, fromHeight: number): Promise<void> {
    this.disconnects.push(fromHeight);
    for (const p of this.payments.values()) {
      if (p.blockHeight !== null && p.blockHeight >= fromHeight) {
        p.blockHeight = null;
        p.blockHash = null;
      }
    }
  }

  async transactionDropped(_chain: string, txid: string): Promise<void> {
    this.dropped.push(txid);
    for (const p of this.payments.values())
      if (p.transfer.txid === txid && p.blockHeight === null) p.dropped = true;
  }

  async unminedTransactions(): Promise<UnminedTransaction[]> {
    return unmined(
      [...this.payments.values()]
        .filter((p) => p.blockHeight === null && !p.dropped)
        .map((p) => ({ txid: p.transfer.txid, validUntil: p.transfer.validUntil ?? null })),
    );
  }

  payment(txid: string, index: number): RecordedPayment | undefined {
    return this.payments.get(`${txid}:${index}`);
  }

  confirmations(txid: string, index: number): number {
    const p = this.payment(txid, index);
    if (!p || p.blockHeight === null || this.tip === null) return 0;
    return Math.max(0, this.tip - p.blockHeight + 1);
  }

  paidTo(address: string, currency: string): bigint {
    let sum = 0n;
    for (const p of this.payments.values()) {
      if (p.transfer.address === address && p.transfer.currency === currency)
        sum += p.transfer.amount;
    }
    return sum;
  }
}

export class MapWatchList implements WatchList {
  private readonly live = new Map<string, WatchedAddress>();
  private readonly pending: WatchedAddress[] = [];
  refreshes = 0;

  /** Visible to the watcher after its next refresh, like an address created by another process. */
  watch(address: string, currency: string): void {
    const n = this.live.size + this.pending.length + 1;
    this.pending.push({ quoteId: `q${n}`, invoiceId: `inv${n}`, currency, address });
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
