import { sql, type Kysely } from 'kysely';

/**
 * Address allocation in O(1): one counter row per wallet advanced inside the
 * creating transaction (no `max(idx)+1`, no retries), the highest index that
 * ever received a payment (so the wallet's gap is a subtraction), an index for
 * the opt-in reuse scan, and addresses derived ahead of time.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('address_wallets')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('chain', 'text', (c) => c.notNull())
    .addColumn('wallet_id', 'text', (c) => c.notNull())
    .addColumn('next_idx', 'integer', (c) => c.notNull())
    .addColumn('highest_used', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('address_wallets_pk', ['project_id', 'chain', 'wallet_id'])
    .execute();
  await sql`
    insert into address_wallets (project_id, chain, wallet_id, next_idx, highest_used)
    select a.project_id, a.chain, a.wallet_id, max(a.idx) + 1,
      coalesce(max(case when i.received_confirmed <> '0' or i.received_unconfirmed <> '0'
        then a.idx end), -1)
    from address_allocations a left join invoices i on i.id = a.invoice_id
    group by a.project_id, a.chain, a.wallet_id`.execute(db);
  await db.schema
    .createIndex('address_allocations_reusable')
    .on('address_allocations')
    .columns(['project_id', 'chain', 'wallet_id', 'reusable_at'])
    .where(sql.ref('reusable_at'), 'is not', null)
    .execute();

  await db.schema
    .createTable('derived_addresses')
    // A hash of everything the derivation depends on (chain, wallet, network, key).
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('derived_addresses_pk', ['source_id', 'idx'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('derived_addresses').execute();
  await db.schema.dropIndex('address_allocations_reusable').execute();
  await db.schema.dropTable('address_wallets').execute();
}
