import type { Kysely } from 'kysely';
import type { UnitOfWork } from '../app/ports/store.js';
import { projectSettings, toAccount, toProject } from './rows.js';
import type { ApiKeysTable, Database } from './schema.js';

const toKey = (r: ApiKeysTable) => ({
  id: r.id,
  accountId: r.account_id,
  prefix: r.prefix,
  label: r.label,
  createdAt: Number(r.created_at),
  revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  access: r.access === 'read' ? ('read' as const) : ('full' as const),
  projectId: r.project_id,
});

export function accountRepository(db: Kysely<Database>): UnitOfWork['accounts'] {
  return {
    async insert(a) {
      await db
        .insertInto('accounts')
        .values({ id: a.id, name: a.name, created_at: a.createdAt })
        .execute();
    },
    async get(id) {
      const r = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toAccount(r);
    },
    async list() {
      return (await db.selectFrom('accounts').selectAll().orderBy('created_at').execute()).map(
        toAccount,
      );
    },
  };
}

export function apiKeyRepository(db: Kysely<Database>): UnitOfWork['apiKeys'] {
  return {
    async insert(k) {
      await db
        .insertInto('api_keys')
        .values({
          id: k.id,
          account_id: k.accountId,
          prefix: k.prefix,
          key_hash: k.keyHash,
          label: k.label,
          created_at: k.createdAt,
          revoked_at: k.revokedAt,
          access: k.access,
          project_id: k.projectId,
        })
        .execute();
    },
    async byHash(keyHash) {
      const r = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('key_hash', '=', keyHash)
        .executeTakeFirst();
      return r && toKey(r);
    },
    async get(id) {
      const r = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toKey(r);
    },
    async list(accountId) {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created_at')
        .execute();
      return rows.map(toKey);
    },
    async revoke(id, at) {
      const r = await db
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}

export function projectRepository(db: Kysely<Database>): UnitOfWork['projects'] {
  return {
    async insert(p, secretKey) {
      await db
        .insertInto('projects')
        .values({
          id: p.id,
          account_id: p.accountId,
          name: p.name,
          settings: projectSettings(p),
          secret_key: secretKey,
          test_mode: p.testMode ? 1 : 0,
          created_at: p.createdAt,
          updated_at: p.createdAt,
        })
        .execute();
    },
    async get(id) {
      const r = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toProject(r);
    },
    async secretKey(id) {
      const r = await db
        .selectFrom('projects')
        .select('secret_key')
        .where('id', '=', id)
        .executeTakeFirst();
      return r?.secret_key;
    },
    async list(accountId) {
      const rows = await db
        .selectFrom('projects')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created_at')
        .execute();
      return rows.map(toProject);
    },
    async update(p, at) {
      await db
        .updateTable('projects')
        .set({
          name: p.name,
          settings: projectSettings(p),
          test_mode: p.testMode ? 1 : 0,
          updated_at: at,
        })
        .where('id', '=', p.id)
        .execute();
    },
  };
}
