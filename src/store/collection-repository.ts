import { sql, type Kysely } from 'kysely';
import type {
  CollectionItem,
  CollectionRecord,
  CollectionStore,
  UncollectedPayment,
  UnexpectedDeposit,
} from '../app/ports/collections.js';
import type { Database } from './schema.js';

/** Wrong coins, written inside the unit of work that records their event. */
/** A stored payment (or wrong coin) as the collector needs it. */
function uncollected(
  r: {
    id: string;
    invoice_id: string;
    project_id: string;
    account_id: string;
    currency: string;
    address: string;
    derivation_index: number | string | bigint | null;
    amount: string | number | bigint;
    txid: string;
    block_height: number | string | bigint | null;
  },
  confirmed: boolean,
): UncollectedPayment {
  return {
    paymentId: r.id,
    invoiceId: r.invoice_id,
    projectId: r.project_id,
    accountId: r.account_id,
    currency: r.currency,
    address: r.address,
    derivationIndex: r.derivation_index === null ? null : Number(r.derivation_index),
    amount: BigInt(r.amount),
    txid: r.txid,
    blockHeight: Number(r.block_height),
    confirmed,
  };
}

export function unexpectedDepositRepository(db: Kysely<Database>) {
  return {
    async insertIfNew(d: UnexpectedDeposit): Promise<boolean> {
      const updated = await db
        .updateTable('unexpected_deposits')
        .set({ block_hash: d.blockHash, block_height: d.blockHeight })
        .where('chain', '=', d.chain)
        .where('txid', '=', d.txid)
        .where('output_index', '=', d.index)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) > 0) return false;
      const inserted = await db
        .insertInto('unexpected_deposits')
        .values({
          id: d.id,
          chain: d.chain,
          txid: d.txid,
          output_index: d.index,
          invoice_id: d.invoiceId,
          quote_id: d.quoteId,
          address: d.address,
          currency: d.currency,
          amount: String(d.amount),
          block_hash: d.blockHash,
          block_height: d.blockHeight,
          collection_id: null,
          created_at: d.createdAt,
        })
        .onConflict((oc) => oc.columns(['chain', 'txid', 'output_index']).doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
  };
}

export function collectionRepository(db: Kysely<Database>): CollectionStore {
  async function items(ids: string[]): Promise<Map<string, CollectionItem[]>> {
    const out = new Map<string, CollectionItem[]>();
    if (ids.length === 0) return out;
    const rows = await db
      .selectFrom('collection_items')
      .selectAll()
      .where('collection_id', 'in', ids)
      .orderBy('payment_id')
      .execute();
    for (const r of rows) {
      const list = out.get(r.collection_id) ?? [];
      list.push({
        paymentId: r.payment_id,
        invoiceId: r.invoice_id,
        address: r.address,
        currency: r.currency,
        amount: BigInt(r.amount),
      });
      out.set(r.collection_id, list);
    }
    const wrong = await db
      .selectFrom('unexpected_deposits')
      .selectAll()
      .where('collection_id', 'in', ids)
      .orderBy('id')
      .execute();
    for (const r of wrong) {
      const list = out.get(r.collection_id!) ?? [];
      list.push({
        paymentId: r.id,
        invoiceId: r.invoice_id,
        address: r.address,
        currency: r.currency,
        amount: BigInt(r.amount),
        unexpected: true,
      });
      out.set(r.collection_id!, list);
    }
    return out;
  }

  function unexpectedOf(
    r: Database['unexpected_deposits'] & { expected?: string },
  ): UnexpectedDeposit {
    return {
      id: r.id,
      chain: r.chain,
      txid: r.txid,
      index: Number(r.output_index),
      invoiceId: r.invoice_id,
      quoteId: r.quote_id,
      address: r.address,
      currency: r.currency,
      ...(r.expected ? { expectedCurrency: r.expected } : {}),
      amount: BigInt(r.amount),
      blockHash: r.block_hash,
      blockHeight: Number(r.block_height),
      collectionId: r.collection_id,
      createdAt: Number(r.created_at),
    };
  }

  async function uncollectedUnexpected(chain: string): Promise<UncollectedPayment[]> {
    const rows = await db
      .selectFrom('unexpected_deposits as u')
      .innerJoin('quotes as q', 'q.id', 'u.quote_id')
      .innerJoin('invoices as i', 'i.id', 'u.invoice_id')
      .select([
        'u.id',
        'u.invoice_id',
        'u.address',
        'u.amount',
        'u.txid',
        'u.block_height',
        'u.currency',
        'q.derivation_index',
        'i.project_id',
        'i.account_id',
      ])
      .where('u.chain', '=', chain)
      .where('u.collection_id', 'is', null)
      .where('i.test_mode', '=', 0)
      .orderBy('u.block_height')
      .orderBy('u.id')
      .execute();
    // Not a payment: nothing waits on its depth, and a reorg deletes it.
    return rows.map((r) => ({ ...uncollected(r, true), unexpected: true }));
  }

  async function records(rows: Database['collections'][]): Promise<CollectionRecord[]> {
    const byId = await items(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      chain: r.chain,
      txid: r.txid,
      factory: r.factory,
      treasury: r.treasury,
      sender: r.sender,
      status: r.status as CollectionRecord['status'],
      blockHeight: r.block_height === null ? null : Number(r.block_height),
      blockHash: r.block_hash,
      gasUsed: BigInt(r.gas_used),
      gasPrice: BigInt(r.gas_price),
      fee: BigInt(r.fee),
      createdAt: Number(r.created_at),
      items: byId.get(r.id) ?? [],
    }));
  }

  function orphan(
    chain: string,
    from: number,
    to: number | null,
    keep: readonly string[],
    at: number,
  ): Promise<number> {
    return db.transaction().execute(async (tx) => {
      let q = tx
        .selectFrom('collections')
        .select(['id', 'txid'])
        .where('chain', '=', chain)
        .where('status', '=', 'mined')
        .where('block_height', '>=', from);
      if (to !== null) q = q.where('block_height', '<=', to);
      const kept = new Set(keep.map((t) => t.toLowerCase()));
      const ids = (await q.execute())
        .filter((r) => !kept.has(r.txid.toLowerCase()))
        .map((r) => r.id);
      if (ids.length === 0) return 0;
      await tx.deleteFrom('collection_items').where('collection_id', 'in', ids).execute();
      await tx
        .updateTable('unexpected_deposits')
        .set({ collection_id: null })
        .where('collection_id', 'in', ids)
        .execute();
      await tx
        .updateTable('collections')
        .set({ status: 'orphaned', block_height: null, block_hash: null, updated_at: at })
        .where('id', 'in', ids)
        .execute();
      return ids.length;
    });
  }

  return {
    async uncollected(chain) {
      const rows = await db
        .selectFrom('payments as p')
        .innerJoin('quotes as q', 'q.id', 'p.quote_id')
        .innerJoin('invoices as i', 'i.id', 'p.invoice_id')
        .innerJoin('projects as pr', 'pr.id', 'i.project_id')
        .select([
          'p.id',
          'p.invoice_id',
          'p.address',
          'p.amount',
          'p.txid',
          'p.block_height',
          'p.confirmations',
          'q.currency',
          'q.derivation_index',
          'q.required_confirmations',
          'i.project_id',
          'i.account_id',
        ])
        .where('p.chain', '=', chain)
        .where('p.dropped', '=', 0)
        .where('p.block_height', 'is not', null)
        .where('i.test_mode', '=', 0)
        // Only projects with a forwarder wallet: xpub-mode payments are never "collected"
        // and would otherwise pile up in every scan (the use case checks each address exactly).
        .where('pr.settings', 'like', '%forwarder(%')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('collection_items as ci')
                .select(sql`1`.as('one'))
                .whereRef('ci.payment_id', '=', 'p.id'),
            ),
          ),
        )
        .orderBy('p.block_height')
        .orderBy('p.id')
        .execute();
      const payments = rows.map((r) =>
        uncollected(r, Number(r.confirmations) >= Number(r.required_confirmations)),
      );
      return [...payments, ...(await uncollectedUnexpected(chain))];
    },

    async byTxid(chain, txid) {
      const rows = await db
        .selectFrom('collections')
        .selectAll()
        .where('chain', '=', chain)
        .where('txid', '=', txid)
        .execute();
      return (await records(rows))[0] ?? null;
    },

    async save(c) {
      await db.transaction().execute(async (tx) => {
        const existing = await tx
          .selectFrom('collections')
          .select('id')
          .where('chain', '=', c.chain)
          .where('txid', '=', c.txid)
          .executeTakeFirst();
        const id = existing?.id ?? c.id;
        const values = {
          status: c.status,
          block_height: c.blockHeight,
          block_hash: c.blockHash,
          gas_used: String(c.gasUsed),
          gas_price: String(c.gasPrice),
          fee: String(c.fee),
          sender: c.sender,
          updated_at: c.createdAt,
        };
        if (existing) {
          await tx.updateTable('collections').set(values).where('id', '=', id).execute();
          await tx.deleteFrom('collection_items').where('collection_id', '=', id).execute();
          await tx
            .updateTable('unexpected_deposits')
            .set({ collection_id: null })
            .where('collection_id', '=', id)
            .execute();
        } else {
          await tx
            .insertInto('collections')
            .values({
              ...values,
              id,
              chain: c.chain,
              txid: c.txid,
              factory: c.factory,
              treasury: c.treasury,
              created_at: c.createdAt,
            })
            .execute();
        }
        for (const it of c.items) {
          if (it.unexpected) {
            await tx
              .updateTable('unexpected_deposits')
              .set({ collection_id: id })
              .where('id', '=', it.paymentId)
              .execute();
            continue;
          }
          await tx
            .insertInto('collection_items')
            .values({
              collection_id: id,
              payment_id: it.paymentId,
              invoice_id: it.invoiceId,
              address: it.address,
              currency: it.currency,
              amount: String(it.amount),
            })
            .execute();
        }
      });
    },

    orphanFrom(chain, fromHeight, at) {
      return orphan(chain, fromHeight, null, [], at);
    },

    orphanMissing(chain, from, to, keep, at) {
      return orphan(chain, from, to, keep, at);
    },

    async list(accountId, limit) {
      const rows = await db
        .selectFrom('collections as c')
        .selectAll('c')
        .where(({ exists, or, selectFrom }) =>
          or([
            exists(
              selectFrom('collection_items as ci')
                .innerJoin('invoices as i', 'i.id', 'ci.invoice_id')
                .select(sql`1`.as('one'))
                .whereRef('ci.collection_id', '=', 'c.id')
                .where('i.account_id', '=', accountId),
            ),
            exists(
              selectFrom('unexpected_deposits as u')
                .innerJoin('invoices as i', 'i.id', 'u.invoice_id')
                .select(sql`1`.as('one'))
                .whereRef('u.collection_id', '=', 'c.id')
                .where('i.account_id', '=', accountId),
            ),
          ]),
        )
        .orderBy('c.created_at', 'desc')
        .orderBy('c.id', 'desc')
        .limit(limit)
        .execute();
      return records(rows);
    },

    async saveUnexpected(d) {
      await unexpectedDepositRepository(db).insertIfNew(d);
    },

    async unexpectedDisconnected(chain, fromHeight) {
      await db
        .deleteFrom('unexpected_deposits')
        .where('chain', '=', chain)
        .where('block_height', '>=', fromHeight)
        .where('collection_id', 'is', null)
        .execute();
    },

    async listUnexpected(accountId, limit) {
      const rows = await db
        .selectFrom('unexpected_deposits as u')
        .innerJoin('invoices as i', 'i.id', 'u.invoice_id')
        .innerJoin('quotes as q', 'q.id', 'u.quote_id')
        .selectAll('u')
        .select('q.currency as expected')
        .where('i.account_id', '=', accountId)
        .orderBy('u.created_at', 'desc')
        .orderBy('u.id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(unexpectedOf);
    },
  };
}
