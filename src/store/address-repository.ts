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
  const reserve: UnitOfWork['addresses']['reserve'] = async (projectId, chain, walletId, count) => {
    const r = await db
      .insertInto('address_wallets')
      .values({
        project_id: projectId,
        chain,
        wallet_id: walletId,
        next_idx: count,
        highest_used: -1,
      })
      .onConflict((oc) =>
        oc
          .columns(['project_id', 'chain', 'wallet_id'])
          .doUpdateSet({ next_idx: sql`address_wallets.next_idx + ${count}` }),
      )
      .returning(['next_idx', 'highest_used'])
      .executeTakeFirstOrThrow();
    return { idx: Number(r.next_idx) - count, highestUsed: Number(r.highest_used) };
  };
  return {
    async held(projectId, chain, walletId, invoiceId) {
      const r = await db
        .selectFrom('address_allocations')
        .select(['idx', 'address'])
        .where('invoice_id', '=', invoiceId)
        .where('project_id', '=', projectId)
        .where('chain', '=', chain)
        .where('wallet_id', '=', walletId)
        .orderBy('idx')
        .limit(1)
        .executeTakeFirst();
      return r && { idx: Number(r.idx), address: r.address };
    },
    async take(projectId, chain, walletId) {
      // The row lock taken here is held until commit: concurrent creates on one
      // wallet queue for it instead of racing for the same index.
      return reserve(projectId, chain, walletId, 1);
    },
    reserve,
    async reusable(projectId, chain, walletId, now) {
      const r = await wallet(projectId, chain, walletId)
        .select(['idx', 'address'])
        .where('reusable_at', 'is not', null)
        .where('reusable_at', '<=', now)
        .orderBy('reusable_at')
        .limit(1)
        .executeTakeFirst();
      return r && { idx: Number(r.idx), address: r.address };
    },
    async allocate(a) {
      await db
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
        .execute();
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
      const held = await db
        .selectFrom('address_allocations')
        .select(['project_id', 'chain', 'wallet_id', 'idx'])
        .where('invoice_id', '=', invoiceId)
        .execute();
      if (held.length === 0) return;
      await db
        .updateTable('address_allocations')
        .set({ reusable_at: null })
        .where('invoice_id', '=', invoiceId)
        .where('reusable_at', 'is not', null)
        .execute();
      for (const h of held) {
        await db
          .updateTable('address_wallets')
          .set({ highest_used: h.idx })
          .where('project_id', '=', h.project_id)
          .where('chain', '=', h.chain)
          .where('wallet_id', '=', h.wallet_id)
          .where('highest_used', '<', h.idx)
          .execute();
      }
    },
    async wallets() {
      const rows = await db.selectFrom('address_wallets').selectAll().execute();
      return rows.map((r) => ({
        projectId: r.project_id,
        chain: r.chain,
        walletId: r.wallet_id,
        nextIdx: Number(r.next_idx),
        highestUsed: Number(r.highest_used),
      }));
    },
    async derived(sourceId, from, limit) {
      const rows = await db
        .selectFrom('derived_addresses')
        .select(['idx', 'address'])
        .where('source_id', '=', sourceId)
        .where('idx', '>=', from)
        .orderBy('idx')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ idx: Number(r.idx), address: r.address }));
    },
    async saveDerived(sourceId, rows) {
      if (rows.length === 0) return;
      await db
        .insertInto('derived_addresses')
        .values(rows.map((r) => ({ source_id: sourceId, idx: r.idx, address: r.address })))
        .onConflict((oc) => oc.columns(['source_id', 'idx']).doNothing())
        .execute();
    },
    async forgetDerived(sourceId, before) {
      await db
        .deleteFrom('derived_addresses')
        .where('source_id', '=', sourceId)
        .where('idx', '<', before)
        .execute();
    },
  };
}
