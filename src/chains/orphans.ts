/**
 * Payments whose block was orphaned go back to unconfirmed, and a chain
 * without a mempool feed (Ethereum, TRON) never says whether their
 * transaction will come back. The store holds them (recorded, unmined, not
 * dropped), so a watcher restarted after the reorg, or one taking over from
 * another process, follows them as the one that saw the reorg would.
 */
import type { PaymentLedger, UnminedTransaction } from '../app/ports/chain.js';

/** Which of `orphans` can never be mined (their txids). */
export type GoneFilter = (orphans: readonly UnminedTransaction[]) => Promise<readonly string[]>;

export class OrphanedPayments {
  /** Whether the store may hold orphans: at start, and after each rollback. */
  private suspect = true;

  constructor(
    private readonly chain: string,
    private readonly ledger: PaymentLedger,
  ) {}

  /** Blocks were rolled back: their payments are orphans now. */
  disconnected(): void {
    this.suspect = true;
  }

  /** Reports the orphans `gone` picks as dropped; returns their txids. */
  async follow(gone: GoneFilter): Promise<readonly string[]> {
    if (!this.suspect) return [];
    const orphans = await this.ledger.unminedTransactions(this.chain);
    if (orphans.length === 0) {
      this.suspect = false;
      return [];
    }
    const dropped = await gone(orphans);
    for (const txid of dropped) await this.ledger.transactionDropped(this.chain, txid);
    return dropped;
  }
}
