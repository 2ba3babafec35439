import type { Kysely } from 'kysely';
import type { UnitOfWork } from '../app/ports/store.js';
import { fromPayment, num, toPayment } from './rows.js';
import type { Database, PaymentsTable } from './schema.js';

export function paymentRepository(db: Kysely<Database>): UnitOfWork['payments'] {
  return {
    async insertIfNew(p) {
      // The unique (chain, txid, output_index) constraint makes a second record impossible.
      const r = await db
        .insertInto('payments')
        .values(fromPayment(p))
        .onConflict((oc) => oc.columns(['chain', 'txid', 'output_index']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async byKey(chain, txid, index) {
      const r = await db
        .selectFrom('payments')
        .selectAll()
        .where('chain', '=', chain)
        .where('txid', '=', txid)
        .where('output_index', '=', index)
        .executeTakeFirst();
      return r && toPayment(r);
    },
    async forInvoice(invoiceId) {
      const rows = await db
        .selectFrom('payments')
        .selectAll()
        .where('invoice_id', '=', invoiceId)
        .orderBy('first_seen_at')
        .orderBy('id')
        .execute();
      return rows.map(toPayment);
    },
    async update(id, patch, at, expected = {}) {
      const set: Partial<PaymentsTable> = { updated_at: at };
      if (patch.blockHash !== undefined) set.block_hash = patch.blockHash;
      if (patch.blockHeight !== undefined) set.block_height = patch.blockHeight;
      if (patch.confirmations !== undefined) set.confirmations = patch.confirmations;
      if (patch.dropped !== undefined) set.dropped = patch.dropped ? 1 : 0;
      if (patch.rbf !== undefined) set.rbf = patch.rbf ? 1 : 0;
      let q = db.updateTable('payments').set(set).where('id', '=', id);
      if (expected.blockHash !== undefined)
        q =
          expected.blockHash === null
            ? q.where('block_hash', 'is', null)
            : q.where('block_hash', '=', expected.blockHash);
      if (expected.blockHeight !== undefined)
        q =
          expected.blockHeight === null
            ? q.where('block_height', 'is', null)
            : q.where('block_height', '=', expected.blockHeight);
      if (expected.confirmations !== undefined)
        q = q.where('confirmations', '=', expected.confirmations);
      if (expected.dropped !== undefined) q = q.where('dropped', '=', expected.dropped ? 1 : 0);
      const r = await q.executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
    async mined(chain, maxConfirmations) {
      const rows = await db
        .selectFrom('payments')
        .selectAll()
        .where('chain', '=', chain)
        .where('block_height', 'is not', null)
        .where('dropped', '=', 0)
        .where('confirmations', '<', maxConfirmations)
        .execute();
      return rows.map(toPayment);
    },
    async minedFrom(chain, fromHeight) {
      const rows = await db
        .selectFrom('payments')
        .selectAll()
        .where('chain', '=', chain)
        .where('block_height', '>=', fromHeight)
        .execute();
      return rows.map(toPayment);
    },
    async byTxid(chain, txid) {
      const rows = await db
        .selectFrom('payments')
        .selectAll()
        .where('chain', '=', chain)
        .where('txid', '=', txid)
        .execute();
      return rows.map(toPayment);
    },
    async unmined(chain) {
      const rows = await db
        .selectFrom('payments')
        .select(['txid', 'valid_until'])
        .distinct()
        .where('chain', '=', chain)
        .where('block_height', 'is', null)
        .where('dropped', '=', 0)
        .execute();
      return rows.map((r) => ({ txid: r.txid, validUntil: num(r.valid_until) }));
    },
  };
}
