import { sql, type Kysely } from 'kysely';
import type { InvoiceFilter, UnitOfWork } from '../app/ports/store.js';
import type { Engine } from './database.js';
import { fromInvoice, toInvoice } from './rows.js';
import type { Database } from './schema.js';

function filtered(db: Kysely<Database>, f: InvoiceFilter) {
  let q = db.selectFrom('invoices').where('account_id', '=', f.accountId);
  if (f.projectId) q = q.where('project_id', '=', f.projectId);
  if (f.statuses?.length) q = q.where('status', 'in', [...f.statuses]);
  if (f.createdFrom !== undefined) q = q.where('created_at', '>=', f.createdFrom);
  if (f.createdTo !== undefined) q = q.where('created_at', '<=', f.createdTo);
  if (f.orderId !== undefined) q = q.where('order_id', '=', f.orderId);
  return q;
}

export function invoiceRepository(db: Kysely<Database>, engine: Engine): UnitOfWork['invoices'] {
  return {
    async insert(i) {
      await db.insertInto('invoices').values(fromInvoice(i, i.expiresAt)).execute();
    },
    async get(id) {
      const r = await db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toInvoice(r);
    },
    async byShortId(shortId) {
      const r = await db
        .selectFrom('invoices')
        .selectAll()
        .where('short_id', '=', shortId)
        .executeTakeFirst();
      return r && toInvoice(r);
    },
    async lock(id) {
      // SQLite serialises write transactions already; PostgreSQL needs the row lock.
      let q = db.selectFrom('invoices').selectAll().where('id', '=', id);
      if (engine === 'postgres') q = q.forUpdate();
      const r = await q.executeTakeFirst();
      return r && toInvoice(r);
    },
    async byOrderId(projectId, orderId) {
      const r = await db
        .selectFrom('invoices')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('order_id', '=', orderId)
        .executeTakeFirst();
      return r && toInvoice(r);
    },
    async updateState(id, p) {
      await db
        .updateTable('invoices')
        .set({
          status: p.status,
          context: p.context,
          resolution: p.resolution,
          received_confirmed: p.receivedConfirmed.toString(),
          received_unconfirmed: p.receivedUnconfirmed.toString(),
          recheck_at: p.recheckAt,
          watch_until: p.watchUntil,
          updated_at: p.updatedAt,
        })
        .where('id', '=', id)
        .execute();
    },
    async setCancelled(id, at) {
      await db
        .updateTable('invoices')
        .set({ cancelled_at: at, updated_at: at })
        .where('id', '=', id)
        .execute();
    },
    async setManualResolution(id, resolution, at) {
      await db
        .updateTable('invoices')
        .set({ manual_resolution: resolution, updated_at: at })
        .where('id', '=', id)
        .execute();
    },
    async setExpiresAt(id, at) {
      await db
        .updateTable('invoices')
        .set({ expires_at: at, recheck_at: at })
        .where('id', '=', id)
        .execute();
    },
    async list(f) {
      let q = filtered(db, f).selectAll();
      if (f.before) {
        const { createdAt, id } = f.before;
        q = q.where((eb) =>
          eb.or([
            eb('created_at', '<', createdAt),
            eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)]),
          ]),
        );
      }
      q = q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit);
      if (f.offset) q = q.offset(f.offset);
      return (await q.execute()).map(toInvoice);
    },
    async count(f) {
      const r = await filtered(db, f)
        .select(sql<string>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async countByStatus() {
      const rows = await db
        .selectFrom('invoices')
        .select(['status', sql<string>`count(*)`.as('n')])
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },
    async dueForRecheck(now, limit) {
      const rows = await db
        .selectFrom('invoices')
        .select('id')
        .where('recheck_at', 'is not', null)
        .where('recheck_at', '<=', now)
        .orderBy('recheck_at')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
  };
}
