/** Refunds recorded against an invoice. */
import type { Kysely } from 'kysely';
import type { UnitOfWork } from '../app/ports/store.js';
import { toRefund } from './rows.js';
import type { Database } from './schema.js';

export function refundRepository(db: Kysely<Database>): UnitOfWork['refunds'] {
  return {
    async insert(r) {
      await db
        .insertInto('refunds')
        .values({
          id: r.id,
          invoice_id: r.invoiceId,
          source: r.source,
          amount: r.amount,
          currency: r.currency,
          address: r.address,
          txid: r.txid,
          created_at: r.createdAt,
        })
        .execute();
    },
    async forInvoice(invoiceId) {
      const rows = await db
        .selectFrom('refunds')
        .selectAll()
        .where('invoice_id', '=', invoiceId)
        .orderBy('created_at')
        .execute();
      return rows.map(toRefund);
    },
  };
}
