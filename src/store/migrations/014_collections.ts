import type { Kysely } from 'kysely';

/**
 * Forwarder collections: each collect transaction seen on chain, and which
 * payments it moved to the treasury. A collection orphaned by a reorg keeps its
 * row (status 'orphaned') but loses its items, so its payments are uncollected again.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('collections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('chain', 'text', (c) => c.notNull())
    .addColumn('txid', 'text', (c) => c.notNull())
    .addColumn('factory', 'text', (c) => c.notNull())
    .addColumn('treasury', 'text', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('block_height', 'bigint')
    .addColumn('block_hash', 'text')
    .addColumn('gas_used', 'text', (c) => c.notNull())
    .addColumn('gas_price', 'text', (c) => c.notNull())
    .addColumn('fee', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('collections_txid')
    .on('collections')
    .columns(['chain', 'txid'])
    .unique()
    .execute();
  await db.schema
    .createTable('collection_items')
    .addColumn('collection_id', 'text', (c) => c.notNull().references('collections.id'))
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
    .addColumn('invoice_id', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('amount', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('collection_items_pk', ['collection_id', 'payment_id'])
    .execute();
  await db.schema
    .createIndex('collection_items_payment')
    .on('collection_items')
    .column('payment_id')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('collection_items').execute();
  await db.schema.dropTable('collections').execute();
}
