import { sql, type Kysely } from 'kysely';
import type { UnitOfWork } from '../app/ports/store.js';
import type { Database } from './schema.js';

export function addressRepository(db: Kysely<Database>): UnitOfWork['addresses'] {
  const wallet = (projectId: string, chain: string, walletId: string) =>
    db
      .selectFrom('address_allocations')
      .where('address_allocations.project_id', '=', projectId)
      .where('address_allocations.chain', '=', chain)
      .where('address_allocations.wallet_id', '=', walletId);
  return {
    async nextIndex(projectId, chain, walletId) {
      const r = await wallet(projectId, chain, walletId)
        .select(sql<number | null>`max(idx)`.as('m'))
        .executeTakeFirst();
      return r?.m === null || r?.m === undefined ? 0 : Number(r.m) + 1;
    },
    async reusable(projectId, chain, walletId, now) {
      const r = await wallet(projectId, chain, walletId)
        .select(['idx', 'address'])
        .where('reusable_at', 'is not', null)
        .where('reusable_at', '<=', now)
        .orderBy('idx')
        .limit(1)
        .executeTakeFirst();
      return r && { idx: Number(r.idx), address: r.address };
    },
    async unusedCount(projectId, chain, walletId) {
      // Addresses not (yet) paid: handed out to open invoices, or released for reuse.
      const r = await wallet(projectId, chain, walletId)
        .innerJoin('invoices', 'invoices.id', 'address_allocations.invoice_id')
        .select(sql<string>`count(*)`.as('n'))
        .where('invoices.received_confirmed', '=', '0')
        .where('invoices.received_unconfirmed', '=', '0')
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
    async allocate(a) {
      const r = await db
        .insertInto('address_allocations')
        .values({
          project_id: a.projectId,
          chain: a.chain,
          wallet_id: a.walletId,
          idx: a.idx,
          address: a.address,
          invoice_id: a.invoiceId,
          allocated_at: a.at,
          reusable_at: null,
        })
        .onConflict((oc) => oc.columns(['project_id', 'chain', 'wallet_id', 'idx']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async reassign(projectId, chain, walletId, idx, invoiceId, at) {
      const r = await db
        .updateTable('address_allocations')
        .set({ invoice_id: invoiceId, allocated_at: at, reusable_at: null })
        .where('project_id', '=', projectId)
        .where('chain', '=', chain)
        .where('wallet_id', '=', walletId)
        .where('idx', '=', idx)
        .where('reusable_at', 'is not', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async release(invoiceId, reusableAt) {
      await db
        .updateTable('address_allocations')
        .set({ reusable_at: reusableAt })
        .where('invoice_id', '=', invoiceId)
        .execute();
    },
    async markUsed(invoiceId) {
      await db
        .updateTable('address_allocations')
        .set({ reusable_at: null })
        .where('invoice_id', '=', invoiceId)
        .execute();
    },
  };
}
