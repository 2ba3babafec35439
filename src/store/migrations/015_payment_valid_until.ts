import type { Kysely } from 'kysely';

/**
 * A payment's own deadline on chains that have one (TRON's expiration), kept
 * so a restarted watcher still knows when an orphaned payment is gone for good.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payments').addColumn('valid_until', 'bigint').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payments').dropColumn('valid_until').execute();
}
