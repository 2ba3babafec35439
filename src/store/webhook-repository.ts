/** Webhook endpoints, the delivery log, and the owners the webhook use cases check. */
import type { Kysely } from 'kysely';
import type { WebhookStore } from '../app/ports/webhooks.js';
import { withCallbackTables } from './deliveries-repository.js';
import type { Database } from './schema.js';

export function webhookRepository(database: Kysely<Database>): WebhookStore {
  const db = withCallbackTables(database);
  return {
    async projectOwner(projectId) {
      const p = await db
        .selectFrom('projects')
        .select('account_id')
        .where('id', '=', projectId)
        .executeTakeFirst();
      return p?.account_id;
    },
    async invoiceOwner(id, shortId) {
      const inv = await db
        .selectFrom('invoices')
        .select(['id', 'account_id'])
        .where((eb) => eb.or([eb('id', '=', id), eb('short_id', '=', shortId)]))
        .executeTakeFirst();
      return inv && { id: inv.id, accountId: inv.account_id };
    },
    async countEndpoints(projectId) {
      const count = await db
        .selectFrom('callback_endpoints')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('project_id', '=', projectId)
        .executeTakeFirstOrThrow();
      return Number(count.n);
    },
    async insertEndpoint(e) {
      await db.insertInto('callback_endpoints').values(e).execute();
    },
    async endpoints(projectId) {
      return db
        .selectFrom('callback_endpoints')
        .selectAll()
        .where('project_id', '=', projectId)
        .orderBy('created_at')
        .execute();
    },
    async endpoint(projectId, endpointId) {
      return db
        .selectFrom('callback_endpoints')
        .selectAll()
        .where('id', '=', endpointId)
        .where('project_id', '=', projectId)
        .executeTakeFirst();
    },
    async updateEndpoint(id, patch) {
      await db.updateTable('callback_endpoints').set(patch).where('id', '=', id).execute();
    },
    async delivery(id) {
      const d = await db
        .selectFrom('deliveries as d')
        .innerJoin('projects as p', 'p.id', 'd.project_id')
        .selectAll('d')
        .select('p.account_id')
        .where('d.id', '=', id)
        .executeTakeFirst();
      if (!d) return undefined;
      const { account_id: accountId, ...row } = d;
      return { ...row, accountId };
    },
    async deliveries(filter, limit) {
      let q = db.selectFrom('deliveries').selectAll();
      if ('invoiceId' in filter) q = q.where('invoice_id', '=', filter.invoiceId);
      else if ('endpointId' in filter) q = q.where('endpoint_id', '=', filter.endpointId);
      else q = q.where('id', '=', filter.id);
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      const tried = rows.filter((r) => r.attempts > 0);
      const last =
        tried.length === 0
          ? []
          : await db
              .selectFrom('delivery_attempts')
              .selectAll()
              .where(
                'delivery_id',
                'in',
                tried.map((r) => r.id),
              )
              .where((eb) =>
                eb.or(
                  tried.map((r) =>
                    eb.and([eb('delivery_id', '=', r.id), eb('attempt', '=', r.attempts)]),
                  ),
                ),
              )
              .execute();
      const byDelivery = new Map(last.map((a) => [a.delivery_id, a]));
      return rows.map((r) => ({ delivery: r, lastAttempt: byDelivery.get(r.id) ?? null }));
    },
    async attempts(deliveryId) {
      return db
        .selectFrom('delivery_attempts')
        .selectAll()
        .where('delivery_id', '=', deliveryId)
        .orderBy('attempt')
        .execute();
    },
  };
}
