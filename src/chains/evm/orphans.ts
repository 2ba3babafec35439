/**
 * Payments whose block was orphaned go back to unconfirmed, but a chain
 * without a mempool feed never says whether their transaction will come back:
 * a node returns it to its pool, or it conflicts with the new branch (its
 * nonce spent by another transaction) and is gone for good. This remembers the
 * recent payments' transactions by height and follows the orphaned ones until
 * they are mined again or the node no longer knows them (dropped).
 */
export class OrphanedTransactions {
  private readonly byHeight = new Map<number, Set<string>>();
  private readonly followed = new Set<string>();

  seen(height: number, txid: string): void {
    let txids = this.byHeight.get(height);
    if (!txids) this.byHeight.set(height, (txids = new Set()));
    txids.add(txid);
  }

  /** Blocks from `fromHeight` up were orphaned: follow their transactions. */
  orphan(fromHeight: number): void {
    for (const [height, txids] of this.byHeight) {
      if (height < fromHeight) continue;
      for (const txid of txids) this.followed.add(txid);
      this.byHeight.delete(height);
    }
  }

  forget(belowHeight: number): void {
    for (const height of this.byHeight.keys())
      if (height < belowHeight) this.byHeight.delete(height);
  }

  get pending(): readonly string[] {
    return [...this.followed];
  }

  settled(txid: string): void {
    this.followed.delete(txid);
  }
}
