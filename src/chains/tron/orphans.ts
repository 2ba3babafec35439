/**
 * Payments whose block was orphaned wait for the new branch to include them
 * again. A TRON transaction carries an expiration and no block timestamped
 * after it may include it: past that, the payment is dropped for good.
 */
export class OrphanedPayments {
  /** Watched payments of recent blocks: txid -> block height and expiration (ms). */
  private readonly recent = new Map<string, { height: number; expiration: number }>();
  /** Payments of orphaned blocks not seen again yet: txid -> expiration (ms). */
  private readonly orphaned = new Map<string, number>();

  seen(txid: string, height: number, expiration: number): void {
    this.recent.set(txid, { height, expiration });
    this.orphaned.delete(txid);
  }

  disconnected(fromHeight: number): void {
    for (const [txid, r] of this.recent) {
      if (r.height < fromHeight) continue;
      this.orphaned.set(txid, r.expiration);
      this.recent.delete(txid);
    }
  }

  /** Orphaned payments that a block at `blockTimestamp` proves can never be mined. */
  expired(blockTimestamp: number): string[] {
    const gone: string[] = [];
    for (const [txid, expiration] of this.orphaned) {
      if (expiration >= blockTimestamp) continue;
      gone.push(txid);
      this.orphaned.delete(txid);
    }
    return gone;
  }

  /** Blocks this deep are past reorgs: forget their payments. */
  prune(belowHeight: number): void {
    for (const [txid, r] of this.recent) if (r.height < belowHeight) this.recent.delete(txid);
  }
}
