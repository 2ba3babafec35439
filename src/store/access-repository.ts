/** Users, sessions and the audit log behind the app's AccessStore port. */
import type { Kysely } from 'kysely';
import type { AccessStore, AuditEntry, SessionRecord, User } from '../app/ports/access.js';
import { isRole } from '../domain/roles.js';
import type { Database } from './schema.js';

interface UsersTable {
  id: string;
  account_id: string;
  email: string;
  role: string;
  password_hash: string;
  totp_secret: string | null;
  totp_last_step: number | null;
  failed_sign_ins: number;
  locked_until: number | null;
  disabled_at: number | null;
  created_at: number;
  updated_at: number;
}

interface SessionsTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

interface AuditLogTable {
  id: string;
  account_id: string;
  user_id: string | null;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
  ip: string | null;
  created_at: number;
}

interface OneTimeSecretsTable {
  id: string;
  session_hash: string;
  sealed: string;
  expires_at: number;
}

type AccessDb = Kysely<
  Database & {
    users: UsersTable;
    sessions: SessionsTable;
    audit_log: AuditLogTable;
    one_time_secrets: OneTimeSecretsTable;
  }
>;

const num = (v: number | null) => (v === null ? null : Number(v));

function toUser(r: UsersTable): User {
  if (!isRole(r.role)) throw new Error(`user ${r.id} has an unknown role`);
  return {
    id: r.id,
    accountId: r.account_id,
    email: r.email,
    role: r.role,
    passwordHash: r.password_hash,
    totpSecret: r.totp_secret,
    failedSignIns: Number(r.failed_sign_ins),
    lockedUntil: num(r.locked_until),
    disabledAt: num(r.disabled_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

const toSession = (r: SessionsTable): SessionRecord => ({
  tokenHash: r.token_hash,
  userId: r.user_id,
  csrfToken: r.csrf_token,
  createdAt: Number(r.created_at),
  lastSeenAt: Number(r.last_seen_at),
  expiresAt: Number(r.expires_at),
});

const toAudit = (r: AuditLogTable): AuditEntry => ({
  id: r.id,
  accountId: r.account_id,
  userId: r.user_id,
  actor: r.actor,
  action: r.action,
  target: r.target,
  detail: r.detail,
  ip: r.ip,
  createdAt: Number(r.created_at),
});

export function accessRepository(database: Kysely<Database>): AccessStore {
  const db = database as unknown as AccessDb;
  return {
    users: {
      async insert(u) {
        await db
          .insertInto('users')
          .values({
            id: u.id,
            account_id: u.accountId,
            email: u.email,
            role: u.role,
            password_hash: u.passwordHash,
            totp_secret: u.totpSecret,
            failed_sign_ins: u.failedSignIns,
            locked_until: u.lockedUntil,
            disabled_at: u.disabledAt,
            created_at: u.createdAt,
            updated_at: u.updatedAt,
          })
          .execute();
      },
      async get(id) {
        const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
        return r && toUser(r);
      },
      async byEmail(email) {
        const r = await db
          .selectFrom('users')
          .selectAll()
          .where('email', '=', email)
          .executeTakeFirst();
        return r && toUser(r);
      },
      async list(accountId) {
        const rows = await db
          .selectFrom('users')
          .selectAll()
          .where('account_id', '=', accountId)
          .orderBy('created_at')
          .execute();
        return rows.map(toUser);
      },
      async claimTotpStep(id, step, at) {
        // One statement: two sign-ins racing with the same code cannot both win.
        const r = await db
          .updateTable('users')
          .set({ totp_last_step: step, updated_at: at })
          .where('id', '=', id)
          .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
          .executeTakeFirst();
        return Number(r.numUpdatedRows) > 0;
      },
      async update(id, p, at) {
        await db
          .updateTable('users')
          .set({
            ...(p.role !== undefined ? { role: p.role } : {}),
            ...(p.passwordHash !== undefined ? { password_hash: p.passwordHash } : {}),
            ...(p.totpSecret !== undefined ? { totp_secret: p.totpSecret } : {}),
            ...(p.failedSignIns !== undefined ? { failed_sign_ins: p.failedSignIns } : {}),
            ...(p.lockedUntil !== undefined ? { locked_until: p.lockedUntil } : {}),
            ...(p.disabledAt !== undefined ? { disabled_at: p.disabledAt } : {}),
            updated_at: at,
          })
          .where('id', '=', id)
          .execute();
      },
    },
    sessions: {
      async insert(s) {
        await db
          .insertInto('sessions')
          .values({
            token_hash: s.tokenHash,
            user_id: s.userId,
            csrf_token: s.csrfToken,
            created_at: s.createdAt,
            last_seen_at: s.lastSeenAt,
            expires_at: s.expiresAt,
          })
          .execute();
      },
      async get(tokenHash) {
        const r = await db
          .selectFrom('sessions')
          .selectAll()
          .where('token_hash', '=', tokenHash)
          .executeTakeFirst();
        return r && toSession(r);
      },
      async touch(tokenHash, lastSeenAt, expiresAt) {
        await db
          .updateTable('sessions')
          .set({ last_seen_at: lastSeenAt, expires_at: expiresAt })
          .where('token_hash', '=', tokenHash)
          .execute();
      },
      async delete(tokenHash) {
        await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
      },
      async deleteForUser(userId) {
        await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
      },
    },
    oneTimeSecrets: {
      async put(e, now) {
        await db.deleteFrom('one_time_secrets').where('expires_at', '<=', now).execute();
        await db
          .insertInto('one_time_secrets')
          .values({
            id: e.id,
            session_hash: e.sessionHash,
            sealed: e.sealed,
            expires_at: e.expiresAt,
          })
          .execute();
      },
      async take(id, sessionHash, now) {
        const r = await db
          .selectFrom('one_time_secrets')
          .selectAll()
          .where('id', '=', id)
          .where('session_hash', '=', sessionHash)
          .executeTakeFirst();
        if (!r) return undefined;
        // Only the request whose delete removed the row shows it: two reloads racing show it once.
        const gone = await db
          .deleteFrom('one_time_secrets')
          .where('id', '=', id)
          .executeTakeFirst();
        if (Number(gone.numDeletedRows) !== 1 || Number(r.expires_at) <= now) return undefined;
        return r.sealed;
      },
    },
    audit: {
      async append(e) {
        await db
          .insertInto('audit_log')
          .values({
            id: e.id,
            account_id: e.accountId,
            user_id: e.userId,
            actor: e.actor,
            action: e.action,
            target: e.target,
            detail: e.detail,
            ip: e.ip,
            created_at: e.createdAt,
          })
          .execute();
      },
      async list(accountId, limit, before) {
        let q = db
          .selectFrom('audit_log')
          .selectAll()
          .where('account_id', '=', accountId)
          .orderBy('id', 'desc')
          .limit(limit);
        if (before) q = q.where('id', '<', before);
        return (await q.execute()).map(toAudit);
      },
    },
  };
}
