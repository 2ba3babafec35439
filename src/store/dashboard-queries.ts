/** The dashboard's read models over invoices, quotes, payments and deliveries. */
import { sql, type Kysely } from 'kysely';
import type { DashboardQueries, InvoiceListFilter, InvoiceRow } from '../app/ports/dashboard.js';
import { withCallbackTables } from './deliveries-repository.js';
import type { Database } from './schema.js';

const PAID = ['paid', 'overpaid'];

function listQuery(db: Kysely<Database>) {
  return db
    .selectFrom('invoices as i')
    .leftJoin('quotes as q', (j) => j.onRef('q.invoice_id', '=', 'i.id').on('q.active', '=', 1))
    .select([
      'i.id',
      'i.short_id',
      'i.project_id',
      'i.order_id',
      'i.amount',
      'i.price_currency',
      'i.status',
      'i.context',
      'i.resolution',
      'i.received_confirmed',
      'i.test_mode',
      'i.created_at',
      'i.updated_at',
      'q.currency as quote_currency',
      'q.amount_due',
    ]);
}

type ListRow = Awaited<ReturnType<ReturnType<typeof listQuery>['execute']>>[number];

const toRow = (r: ListRow): InvoiceRow => ({
  id: r.id,
  shortId: r.short_id,
  projectId: r.project_id,
  orderId: r.order_id,
  amount: r.amount,
  priceCurrency: r.price_currency,
  status: r.status,
  context: r.context,
  resolution: r.resolution,
  quoteCurrency: r.quote_currency ?? null,
  amountDueUnits: r.amount_due ?? null,
  receivedConfirmedUnits: r.received_confirmed,
  testMode: Number(r.test_mode) === 1,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export function dashboardQueries(db: Kysely<Database>): DashboardQueries {
  const cdb = withCallbackTables(db);
  return {
    async invoices(f: InvoiceListFilter) {
      let q = listQuery(db).where('i.account_id', '=', f.accountId);
      if (f.statuses?.length) q = q.where('i.status', 'in', [...f.statuses]);
      if (f.context) q = q.where('i.context', '=', f.context);
      if (f.projectId) q = q.where('i.project_id', '=', f.projectId);
      if (f.currency) {
        const c = f.currency;
        q = q.where((eb) =>
          eb.or([
            eb('i.price_currency', '=', c),
            eb(
              'i.id',
              'in',
              eb.selectFrom('quotes').select('invoice_id').where('currency', '=', c),
            ),
          ]),
        );
      }
      if (f.createdFrom !== undefined) q = q.where('i.created_at', '>=', f.createdFrom);
      if (f.createdTo !== undefined) q = q.where('i.created_at', '<', f.createdTo);
      if (f.search) {
        const s = f.search;
        const short = s.toUpperCase().replace(/^INV-/, '');
        q = q.where((eb) =>
          eb.or([
            eb('i.id', '=', s),
            eb('i.short_id', '=', short),
            eb('i.order_id', '=', s),
            eb('i.id', 'in', eb.selectFrom('quotes').select('invoice_id').where('address', '=', s)),
            eb('i.id', 'in', eb.selectFrom('payments').select('invoice_id').where('txid', '=', s)),
          ]),
        );
      }
      if (f.before) {
        const b = f.before;
        q = q.where((eb) =>
          eb.or([
            eb('i.created_at', '<', b.createdAt),
            eb.and([eb('i.created_at', '=', b.createdAt), eb('i.id', '<', b.id)]),
          ]),
        );
      }
      const rows = await q
        .orderBy('i.created_at', 'desc')
        .orderBy('i.id', 'desc')
        .limit(f.limit)
        .execute();
      return rows.map(toRow);
    },

    async paidSince(accountId, since) {
      const rows = await db
        .selectFrom('invoices')
        .select(['price_currency', 'amount', 'created_at'])
        .where('account_id', '=', accountId)
        .where('created_at', '>=', since)
        .where((eb) => eb.or([eb('status', 'in', PAID), eb('resolution', '=', 'completed')]))
        .execute();
      return rows.map((r) => ({
        currency: r.price_currency,
        amount: r.amount,
        createdAt: Number(r.created_at),
      }));
    },

    async countsByStatus(accountId) {
      const rows = await db
        .selectFrom('invoices')
        .select(['status', sql<number>`count(*)`.as('n')])
        .where('account_id', '=', accountId)
        .groupBy('status')
        .execute();
      const out: Record<string, number> = Object.create(null) as Record<string, number>;
      for (const r of rows) out[r.status] = Number(r.n);
      return out;
    },

    async unresolved(accountId, limit) {
      const rows = await listQuery(db)
        .where('i.account_id', '=', accountId)
        .where('i.context', 'is not', null)
        .where('i.resolution', 'is', null)
        .orderBy('i.created_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toRow);
    },

    async failedDeliveries(accountId, limit) {
      const rows = await cdb
        .selectFrom('deliveries as d')
        .innerJoin('projects as p', 'p.id', 'd.project_id')
        .innerJoin('callback_endpoints as e', 'e.id', 'd.endpoint_id')
        .select([
          'd.id',
          'd.invoice_id',
          'd.event_type',
          'e.url',
          'd.attempts',
          'd.last_response_code',
          'd.last_error',
          'd.updated_at',
        ])
        .where('p.account_id', '=', accountId)
        .where('d.status', '=', 'failed')
        // A failure already redelivered is followed by its copy, which shows here if it fails too.
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('deliveries as r').select('r.id').whereRef('r.redelivery_of', '=', 'd.id'),
            ),
          ),
        )
        .orderBy('d.updated_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        invoiceId: r.invoice_id,
        eventType: r.event_type,
        url: r.url,
        attempts: Number(r.attempts),
        lastResponseCode: r.last_response_code === null ? null : Number(r.last_response_code),
        lastError: r.last_error,
        updatedAt: Number(r.updated_at),
      }));
    },

    async deliveryAccount(deliveryId) {
      const r = await cdb
        .selectFrom('deliveries as d')
        .innerJoin('projects as p', 'p.id', 'd.project_id')
        .select(['p.account_id', 'd.invoice_id', 'd.endpoint_id'])
        .where('d.id', '=', deliveryId)
        .executeTakeFirst();
      return r
        ? { accountId: r.account_id, invoiceId: r.invoice_id, endpointId: r.endpoint_id }
        : null;
    },
  };
}
