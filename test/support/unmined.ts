import type { UnminedTransaction } from '../../src/app/ports/chain.js';

/** One entry per transaction, as the store's query answers (a transaction may pay several outputs). */
export function unmined(list: readonly UnminedTransaction[]): UnminedTransaction[] {
  const byTxid = new Map<string, UnminedTransaction>();
  for (const t of list) if (!byTxid.has(t.txid)) byTxid.set(t.txid, t);
  return [...byTxid.values()];
}
