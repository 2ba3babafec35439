import type { Kysely } from 'kysely';

/**
 * Secrets the dashboard shows once (a new API key, a webhook signing secret),
 * held between the POST that makes them and the GET that shows them: sealed
 * with a key derived from the session's cookie token, deleted when shown or
 * when they expire. Also: deliveries closed by a redelivery get their own
 * status, `superseded`, instead of `failed`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('one_time_secrets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_hash', 'text', (c) => c.notNull())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('one_time_secrets_expiry')
    .on('one_time_secrets')
    .column('expires_at')
    .execute();
  // Deliveries closed by a redelivery were stored as failed; they are their own state now.
  await db
    .updateTable('deliveries')
    .set({ status: 'superseded' })
    .where('status', '=', 'failed')
    .where('last_error', 'like', 'superseded by redelivery %')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ status: 'failed' })
    .where('status', '=', 'superseded')
    .execute();
  await db.schema.dropTable('one_time_secrets').execute();
}
