import type { Kysely } from 'kysely';

/**
 * CryptoCloud face: static wallets (a permanent address per customer) and
 * invoice e-mails with their durable re-send schedule.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('static_wallets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('identify', 'text', (c) => c.notNull())
    .addColumn('chain', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('wallet_id', 'text', (c) => c.notNull())
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('test_mode', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('static_wallets_identify')
    .on('static_wallets')
    .columns(['project_id', 'currency', 'identify'])
    .unique()
    .execute();
  await db.schema
    .createIndex('static_wallets_address')
    .on('static_wallets')
    .columns(['chain', 'address'])
    .execute();

  await db.schema
    .createTable('invoice_mails')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoices.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('period', 'text')
    .addColumn('next_send_at', 'bigint')
    .addColumn('sent_count', 'integer', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_sent_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('invoice_mails_due')
    .on('invoice_mails')
    .column('next_send_at')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('invoice_mails').execute();
  await db.schema.dropTable('static_wallets').execute();
}
