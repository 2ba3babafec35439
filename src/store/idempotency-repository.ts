/** Idempotency keys of invoice creation: the request's hash and the invoice it made. */
import type { Kysely } from 'kysely';
import type { UnitOfWork } from '../app/ports/store.js';
import type { Database } from './schema.js';

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
