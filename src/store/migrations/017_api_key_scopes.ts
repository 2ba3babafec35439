import type { Kysely } from 'kysely';

/**
 * API key scopes: read-only keys, and keys limited to one project. Existing
 * keys keep full access to their account.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('api_keys')
    .addColumn('access', 'text', (c) => c.notNull().defaultTo('full'))
    .execute();
  await db.schema.alterTable('api_keys').addColumn('project_id', 'text').execute();
  // Two-factor codes are single-use: the last accepted time step per user.
  await db.schema.alterTable('users').addColumn('totp_last_step', 'bigint').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('totp_last_step').execute();
  await db.schema.alterTable('api_keys').dropColumn('project_id').execute();
  await db.schema.alterTable('api_keys').dropColumn('access').execute();
}
