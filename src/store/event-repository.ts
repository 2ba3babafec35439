import type { Kysely, Transaction } from 'kysely';
import type { UnitOfWork } from '../app/ports/store.js';
import { faultPoint } from './fault-injection.js';
import { enqueueDeliveries } from './outbox.js';
import { fromEvent, toEvent, toRefund } from './rows.js';
import type { Database } from './schema.js';

/**
 * Appends events; callers run inside a transaction so the outbox commits with them.
 * `onQueued` hears of deliveries queued, so the dispatcher is woken only when there is work.
 */
export function eventRepository(
  db: Kysely<Database>,
  onQueued: () => void = () => {},
): UnitOfWork['events'] {
  return {
    async append(events) {
      if (events.length === 0) return;
      const rows = events.map(fromEvent);
      await db.insertInto('events').values(rows).execute();
      await faultPoint('events-inserted', db);
      if ((await enqueueDeliveries(db as Transaction<Database>, rows)) > 0) onQueued();
      await faultPoint('deliveries-inserted', db);
    },
    async forInvoice(invoiceId) {
      const rows = await db
        .selectFrom('events')
        .selectAll()
        .where('invoice_id', '=', invoiceId)
        .orderBy('id')
        .execute();
      return rows.map(toEvent);
    },
  };
}

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

export function idempotencyRepository(db: Kysely<Database>): UnitOfWork['idempotency'] {
  return {
    async get(accountId, key) {
      const r = await db
        .selectFrom('idempotency_keys')
        .select(['request_hash', 'invoice_id'])
        .where('account_id', '=', accountId)
        .where('key', '=', key)
        .executeTakeFirst();
      return r && { requestHash: r.request_hash, invoiceId: r.invoice_id };
    },
    async put(accountId, key, requestHash, invoiceId, at) {
      const r = await db
        .insertInto('idempotency_keys')
        .values({
          account_id: accountId,
          key,
          request_hash: requestHash,
          invoice_id: invoiceId,
          created_at: at,
        })
        .onConflict((oc) => oc.columns(['account_id', 'key']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
  };
}
