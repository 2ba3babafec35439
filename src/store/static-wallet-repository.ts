/** Static wallets of the CryptoCloud face (migration 007). */
import type { Kysely } from 'kysely';
import type { StaticWallet, StaticWalletStore } from '../app/ports/static-wallets.js';
import type { Database } from './schema.js';

export interface StaticWalletsTable {
  id: string;
  project_id: string;
  account_id: string;
  currency: string;
  identify: string;
  chain: string;
  address: string;
  wallet_id: string;
  idx: number;
  test_mode: number;
  created_at: number;
}

export type StaticWalletDb = Database & { static_wallets: StaticWalletsTable };

function toWallet(r: StaticWalletsTable): StaticWallet {
  return {
    id: r.id,
    projectId: r.project_id,
    accountId: r.account_id,
    currency: r.currency,
    identify: r.identify,
    chain: r.chain,
    address: r.address,
    walletId: r.wallet_id,
    index: Number(r.idx),
    testMode: Number(r.test_mode) === 1,
    createdAt: Number(r.created_at),
  };
}

export function staticWalletRepository(base: Kysely<Database>): StaticWalletStore {
  const db = base as unknown as Kysely<StaticWalletDb>;
  const find = async (projectId: string, currency: string, identify: string) => {
    const r = await db
      .selectFrom('static_wallets')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('currency', '=', currency)
      .where('identify', '=', identify)
      .executeTakeFirst();
    return r && toWallet(r);
  };
  return {
    find,
    async insertOrGet(w) {
      await db
        .insertInto('static_wallets')
        .values({
          id: w.id,
          project_id: w.projectId,
          account_id: w.accountId,
          currency: w.currency,
          identify: w.identify,
          chain: w.chain,
          address: w.address,
          wallet_id: w.walletId,
          idx: w.index,
          test_mode: w.testMode ? 1 : 0,
          created_at: w.createdAt,
        })
        .onConflict((oc) => oc.columns(['project_id', 'currency', 'identify']).doNothing())
        .execute();
      const stored = await find(w.projectId, w.currency, w.identify);
      if (!stored) throw new Error('static wallet vanished after insert');
      return stored;
    },
    async byId(id) {
      const r = await db
        .selectFrom('static_wallets')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toWallet(r);
    },
    async createdSince(since) {
      const rows = await db
        .selectFrom('static_wallets')
        .selectAll()
        .where('created_at', '>=', since)
        .orderBy('created_at')
        .execute();
      return rows.map(toWallet);
    },
  };
}
