import type { Kysely } from 'kysely';

/**
 * Wrong coin, right address: a listed token or ETH that arrived at a deposit
 * address quoted for another currency. Kept apart from payments (it never pays
 * the invoice) so the merchant sees it and a collect can sweep it; a reorg that
 * removes its block deletes it until the block's replacement is read.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('unexpected_deposits')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('chain', 'text', (c) => c.notNull())
    .addColumn('txid', 'text', (c) => c.notNull())
    .addColumn('output_index', 'integer', (c) => c.notNull())
    .addColumn('invoice_id', 'text', (c) => c.notNull())
    .addColumn('quote_id', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('amount', 'text', (c) => c.notNull())
    .addColumn('block_hash', 'text', (c) => c.notNull())
    .addColumn('block_height', 'bigint', (c) => c.notNull())
    .addColumn('collection_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('unexpected_deposits_key')
    .on('unexpected_deposits')
    .columns(['chain', 'txid', 'output_index'])
    .unique()
    .execute();
  await db.schema
    .createIndex('unexpected_deposits_invoice')
    .on('unexpected_deposits')
    .column('invoice_id')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('unexpected_deposits').execute();
}
