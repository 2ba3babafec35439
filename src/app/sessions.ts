/**
 * Dashboard sign-in and sessions. Sessions live in the database (so signing
 * out or changing a role ends them at once); the browser holds only a random
 * token whose hash is the key. Repeated wrong passwords lock the user for a while.
 */
import { randomBytes } from 'node:crypto';
import { audit } from './audit.js';
import { sha256Hex } from './ids.js';
import { burnPasswordCheck, verifyPassword } from './passwords.js';
import type { SessionRecord, User } from './ports/access.js';
import { matchTotpStep } from './totp.js';
import { normalEmail, type AccessDeps } from './users.js';

export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MS = 15 * 60_000;
/** A session ends after this long without a request... */
export const SESSION_IDLE_MS = 2 * 3600_000;
/** ...and in any case this long after sign-in. */
export const SESSION_MAX_MS = 12 * 3600_000;
const TOUCH_EVERY_MS = 60_000;

export interface SignInInput {
  readonly email: string;
  readonly password: string;
  readonly code?: string | undefined;
  readonly ip: string | null;
}

export type SignInResult =
  | {
      readonly kind: 'signed_in';
      readonly token: string;
      readonly session: SessionRecord;
      readonly user: User;
    }
  | { readonly kind: 'refused' }
  | { readonly kind: 'locked' };

const randomToken = () => randomBytes(32).toString('base64url');

export async function signIn(deps: AccessDeps, input: SignInInput): Promise<SignInResult> {
  const now = deps.clock.now();
  const user = await deps.access.users.byEmail(normalEmail(input.email));
  if (!user || user.disabledAt !== null) {
    await burnPasswordCheck(input.password);
    return { kind: 'refused' };
  }
  const actor = { accountId: user.accountId, userId: user.id, name: user.email, ip: input.ip };
  if (user.lockedUntil !== null && user.lockedUntil > now) {
    await audit(deps.access, deps.clock, actor, 'sign_in.locked_out', user.id);
    return { kind: 'locked' };
  }
  const failed = user.lockedUntil !== null ? 0 : user.failedSignIns;
  // The password is always checked and the answer to any failure is the same
  // "refused", counted the same way: a right password with a missing or wrong
  // code must not tell a guesser that the password was right.
  const passwordOk = await verifyPassword(input.password, user.passwordHash);
  const step = user.totpSecret ? matchTotpStep(user.totpSecret, input.code ?? '', now) : null;
  let codeOk = !user.totpSecret || step !== null;
  let why = !passwordOk
    ? 'wrong password'
    : !codeOk
      ? input.code
        ? 'wrong two-factor code'
        : 'missing two-factor code'
      : '';
  // Each code signs in once: the same code again (a replay) is refused.
  if (
    passwordOk &&
    codeOk &&
    step !== null &&
    !(await deps.access.users.claimTotpStep(user.id, step, now))
  ) {
    codeOk = false;
    why = 'two-factor code used before';
  }
  if (!passwordOk || !codeOk) {
    const count = failed + 1;
    const lock = count >= MAX_FAILED_SIGN_INS;
    await deps.access.users.update(
      user.id,
      { failedSignIns: lock ? 0 : count, lockedUntil: lock ? now + LOCKOUT_MS : null },
      now,
    );
    await audit(
      deps.access,
      deps.clock,
      actor,
      lock ? 'sign_in.locked' : 'sign_in.failed',
      user.id,
      why,
    );
    return lock ? { kind: 'locked' } : { kind: 'refused' };
  }
  await deps.access.users.update(user.id, { failedSignIns: 0, lockedUntil: null }, now);
  const token = randomToken();
  const session: SessionRecord = {
    tokenHash: sha256Hex(token),
    userId: user.id,
    csrfToken: randomToken(),
    createdAt: now,
    lastSeenAt: now,
    expiresAt: Math.min(now + SESSION_IDLE_MS, now + SESSION_MAX_MS),
  };
  await deps.access.sessions.insert(session);
  await audit(deps.access, deps.clock, actor, 'sign_in', user.id);
  return { kind: 'signed_in', token, session, user };
}

/** The signed-in user behind a cookie's token, or null once expired, signed out or disabled. */
export async function resolveSession(
  deps: AccessDeps,
  token: string,
): Promise<{ user: User; session: SessionRecord } | null> {
  if (!token || token.length > 100) return null;
  const hash = sha256Hex(token);
  const session = await deps.access.sessions.get(hash);
  const now = deps.clock.now();
  if (!session) return null;
  if (session.expiresAt <= now) {
    await deps.access.sessions.delete(hash);
    return null;
  }
  const user = await deps.access.users.get(session.userId);
  if (!user || user.disabledAt !== null) return null;
  if (now - session.lastSeenAt >= TOUCH_EVERY_MS) {
    const expiresAt = Math.min(now + SESSION_IDLE_MS, session.createdAt + SESSION_MAX_MS);
    await deps.access.sessions.touch(hash, now, expiresAt);
  }
  return { user, session };
}

export async function signOut(deps: AccessDeps, token: string): Promise<void> {
  await deps.access.sessions.delete(sha256Hex(token));
}
