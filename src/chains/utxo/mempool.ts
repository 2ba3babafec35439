/**
 * What the watcher remembers about the node's mempool between polls: which
 * transactions it has already examined, and which unconfirmed ones pay a
 * watched address (with the outpoints they spend, to spot double spends).
 */

export class MempoolTracker {
  /** Transaction ids in the node's mempool that were already examined. */
  private readonly seen = new Set<string>();
  /** Unconfirmed transactions paying watched addresses -> outpoints they spend. */
  private readonly pending = new Map<string, readonly string[]>();
  /** Outpoint -> the pending transaction spending it. */
  private readonly spentBy = new Map<string, string>();

  /** Ids in `current` not examined yet. */
  unseen(current: readonly string[]): string[] {
    return current.filter((txid) => !this.seen.has(txid));
  }

  markSeen(txid: string): void {
    this.seen.add(txid);
  }

  /** Forgets examined ids that left the mempool, so a transaction coming back after a reorg is examined again. */
  retainSeen(current: ReadonlySet<string>): void {
    for (const txid of this.seen) if (!current.has(txid)) this.seen.delete(txid);
  }

  track(txid: string, outpoints: readonly string[]): void {
    if (this.pending.has(txid)) return;
    this.pending.set(txid, outpoints);
    for (const o of outpoints) this.spentBy.set(o, txid);
  }

  isPending(txid: string): boolean {
    return this.pending.has(txid);
  }

  /** Pending transactions missing from `current`. */
  missingFrom(current: ReadonlySet<string>): string[] {
    return [...this.pending.keys()].filter((txid) => !current.has(txid));
  }

  /** Pending transactions other than `txid` that spend any of `outpoints`: `txid` double-spends them. */
  conflictsWith(txid: string, outpoints: readonly string[]): string[] {
    if (this.spentBy.size === 0) return [];
    const out = new Set<string>();
    for (const o of outpoints) {
      const other = this.spentBy.get(o);
      if (other !== undefined && other !== txid) out.add(other);
    }
    return [...out];
  }

  /** Stops tracking `txid` (confirmed or dropped). */
  forget(txid: string): void {
    const outpoints = this.pending.get(txid);
    if (!outpoints) return;
    this.pending.delete(txid);
    for (const o of outpoints) if (this.spentBy.get(o) === txid) this.spentBy.delete(o);
  }

  get pendingCount(): number {
    return this.pending.size;
  }
}
