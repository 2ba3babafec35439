/** Storage for who may sign in to the dashboard: users, sessions, the audit log. */
import type { Role } from '../../domain/roles.js';

export interface User {
  readonly id: string;
  readonly accountId: string;
  readonly email: string;
  readonly role: Role;
  readonly passwordHash: string;
  /** Base32 TOTP secret once two-factor is on. */
  readonly totpSecret: string | null;
  readonly failedSignIns: number;
  readonly lockedUntil: number | null;
  readonly disabledAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface SessionRecord {
  /** SHA-256 of the cookie's token; the token itself is never stored. */
  readonly tokenHash: string;
  readonly userId: string;
  readonly csrfToken: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly expiresAt: number;
}

export interface OneTimeSecretRecord {
  readonly id: string;
  readonly sessionHash: string;
  readonly sealed: string;
  readonly expiresAt: number;
}

export interface AuditEntry {
  readonly id: string;
  readonly accountId: string;
  readonly userId: string | null;
  /** E-mail of the user, or "cli"/"system", kept even if the user is removed later. */
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly detail: string | null;
  readonly ip: string | null;
  readonly createdAt: number;
}

export type UserPatch = Partial<
  Pick<
    User,
    'role' | 'passwordHash' | 'totpSecret' | 'failedSignIns' | 'lockedUntil' | 'disabledAt'
  >
>;

export interface AccessStore {
  readonly users: {
    insert(u: User): Promise<void>;
    get(id: string): Promise<User | undefined>;
    byEmail(email: string): Promise<User | undefined>;
    list(accountId: string): Promise<User[]>;
    update(id: string, patch: UserPatch, at: number): Promise<void>;
    /**
     * Records a two-factor time step as used, only if it is later than the
     * last one used: false means the code was used before (a replay).
     */
    claimTotpStep(id: string, step: number, at: number): Promise<boolean>;
  };
  readonly sessions: {
    insert(s: SessionRecord): Promise<void>;
    get(tokenHash: string): Promise<SessionRecord | undefined>;
    touch(tokenHash: string, lastSeenAt: number, expiresAt: number): Promise<void>;
    delete(tokenHash: string): Promise<void>;
    deleteForUser(userId: string): Promise<void>;
  };
  /** Sealed secrets waiting to be shown once to the session that made them. */
  readonly oneTimeSecrets: {
    /** Also drops every entry expired by `now`. */
    put(e: OneTimeSecretRecord, now: number): Promise<void>;
    /** The entry's sealed text, deleted in the same call; undefined if gone, expired or another session's. */
    take(id: string, sessionHash: string, now: number): Promise<string | undefined>;
  };
  readonly audit: {
    append(e: AuditEntry): Promise<void>;
    /** Newest first; `before` is an entry id for the next page. */
    list(accountId: string, limit: number, before?: string): Promise<AuditEntry[]>;
  };
}
