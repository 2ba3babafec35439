/** Quotes: the currency, address and amount an invoice is paid in, one active at a time. */
import type { Kysely } from 'kysely';
import type { UnitOfWork } from '../app/ports/store.js';
import { fromQuote, toQuote } from './rows.js';
import type { Database } from './schema.js';

export function quoteRepository(db: Kysely<Database>): UnitOfWork['quotes'] {
  return {
    async insert(q) {
      await db.insertInto('quotes').values(fromQuote(q)).execute();
    },
    async active(invoiceId) {
      const r = await db
        .selectFrom('quotes')
        .selectAll()
        .where('invoice_id', '=', invoiceId)
        .where('active', '=', 1)
        .executeTakeFirst();
      return r && toQuote(r);
    },
    async activeOf(invoiceIds) {
      if (invoiceIds.length === 0) return [];
      const rows = await db
        .selectFrom('quotes')
        .selectAll()
        .where('invoice_id', 'in', [...new Set(invoiceIds)])
        .where('active', '=', 1)
        .execute();
      return rows.map(toQuote);
    },
    async byIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('quotes')
        .selectAll()
        .where('id', 'in', [...new Set(ids)])
        .execute();
      return rows.map(toQuote);
    },
    async get(id) {
      const r = await db.selectFrom('quotes').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toQuote(r);
    },
    async forInvoice(invoiceId) {
      const rows = await db
        .selectFrom('quotes')
        .selectAll()
        .where('invoice_id', '=', invoiceId)
        .orderBy('fixed_at')
        .execute();
      return rows.map(toQuote);
    },
    async deactivate(invoiceId) {
      await db
        .updateTable('quotes')
        .set({ active: 0 })
        .where('invoice_id', '=', invoiceId)
        .execute();
    },
    async activate(id) {
      await db.updateTable('quotes').set({ active: 1 }).where('id', '=', id).execute();
    },
    async byAddress(chain, address) {
      const rows = await db
        .selectFrom('quotes')
        .selectAll()
        .where('chain', '=', chain)
        .where('address', '=', address)
        .orderBy('fixed_at', 'desc')
        .execute();
      return rows.map(toQuote);
    },
    async watched(since, now) {
      const rows = await db
        .selectFrom('quotes')
        .innerJoin('invoices', 'invoices.id', 'quotes.invoice_id')
        .select([
          'quotes.id as quoteId',
          'quotes.invoice_id as invoiceId',
          'quotes.currency as currency',
          'quotes.address as address',
          'quotes.chain as chain',
          'quotes.fixed_at as fixedAt',
        ])
        .where('quotes.fixed_at', '>=', since)
        .where((eb) =>
          eb.or([eb('invoices.watch_until', 'is', null), eb('invoices.watch_until', '>', now)]),
        )
        .orderBy('quotes.fixed_at')
        .execute();
      return rows.map((r) => ({ ...r, fixedAt: Number(r.fixedAt) }));
    },
  };
}
