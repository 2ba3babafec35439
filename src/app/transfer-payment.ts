import type { Payment, Quote } from '../domain/invoice.js';
import { newId } from './ids.js';
import type { ObservedTransfer } from './ports/chain.js';

/** The payment a watcher's transfer makes on `quote`, first seen at `now`. */
export function paymentFromTransfer(
  t: ObservedTransfer,
  quote: Pick<Quote, 'id' | 'invoiceId' | 'address'>,
  now: number,
): Payment {
  return {
    id: newId('pay', now),
    invoiceId: quote.invoiceId,
    quoteId: quote.id,
    chain: t.chain,
    txid: t.txid,
    outputIndex: t.index,
    address: quote.address,
    amount: t.amount,
    blockHash: t.blockHash,
    blockHeight: t.blockHeight,
    confirmations: t.blockHeight === null ? 0 : 1,
    dropped: false,
    rbf: t.rbf ?? false,
    firstSeenAt: now,
    validUntil: t.validUntil ?? null,
  };
}
