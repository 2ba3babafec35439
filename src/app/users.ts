/** People who sign in to the dashboard: created by an owner or the CLI, each with one role. */
import { invalid, KassaError, notFound } from '../domain/errors.js';
import { isRole, type Role } from '../domain/roles.js';
import { audit, type Actor } from './audit.js';
import { newId } from './ids.js';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.js';
import type { AccessStore, User } from './ports/access.js';
import type { Clock } from './ports/clock.js';
import type { InvoiceStore } from './ports/store.js';
import { matchTotpStep, newTotpSecret } from './totp.js';

export interface AccessDeps {
  readonly access: AccessStore;
  readonly clock: Clock;
}

export function normalEmail(email: string): string {
  return email.trim().toLowerCase();
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw invalid('password', `password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > 1024) throw invalid('password', 'password is too long');
}

export interface NewUser {
  readonly accountId: string;
  readonly email: string;
  readonly role: string;
  readonly password: string;
}

export async function createUser(
  deps: AccessDeps & { store: Pick<InvoiceStore, 'accounts'> },
  input: NewUser,
  by: Actor,
): Promise<User> {
  const email = normalEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254)
    throw invalid('email', 'email must be an e-mail address');
  if (!isRole(input.role)) throw invalid('role', 'role must be owner, admin, staff or viewer');
  checkPassword(input.password);
  if (!(await deps.store.accounts.get(input.accountId))) throw notFound('account');
  if (await deps.access.users.byEmail(email))
    throw new KassaError('conflict', 'a user with this e-mail exists', 'email');
  const at = deps.clock.now();
  const user: User = {
    id: newId('usr', at),
    accountId: input.accountId,
    email,
    role: input.role,
    passwordHash: await hashPassword(input.password),
    totpSecret: null,
    failedSignIns: 0,
    lockedUntil: null,
    disabledAt: null,
    createdAt: at,
    updatedAt: at,
  };
  await deps.access.users.insert(user);
  await audit(deps.access, deps.clock, by, 'user.created', user.id, `${email} as ${user.role}`);
  return user;
}

async function userOfAccount(deps: AccessDeps, accountId: string, userId: string): Promise<User> {
  const user = await deps.access.users.get(userId);
  if (!user || user.accountId !== accountId) throw notFound('user');
  return user;
}

export async function listUsers(deps: AccessDeps, accountId: string): Promise<User[]> {
  return deps.access.users.list(accountId);
}

/** Changes a role; an account always keeps at least one active owner. */
export async function changeRole(
  deps: AccessDeps,
  by: Actor,
  userId: string,
  role: string,
): Promise<void> {
  if (!isRole(role)) throw invalid('role', 'role must be owner, admin, staff or viewer');
  const user = await userOfAccount(deps, by.accountId, userId);
  if (user.role === 'owner' && role !== 'owner') await keepAnOwner(deps, user);
  await deps.access.users.update(user.id, { role }, deps.clock.now());
  await deps.access.sessions.deleteForUser(user.id);
  await audit(
    deps.access,
    deps.clock,
    by,
    'user.role_changed',
    user.id,
    `${user.email}: ${user.role} -> ${role}`,
  );
}

export async function disableUser(deps: AccessDeps, by: Actor, userId: string): Promise<void> {
  const user = await userOfAccount(deps, by.accountId, userId);
  if (user.role === 'owner') await keepAnOwner(deps, user);
  await deps.access.users.update(user.id, { disabledAt: deps.clock.now() }, deps.clock.now());
  await deps.access.sessions.deleteForUser(user.id);
  await audit(deps.access, deps.clock, by, 'user.disabled', user.id, user.email);
}

async function keepAnOwner(deps: AccessDeps, leaving: User): Promise<void> {
  const owners = (await deps.access.users.list(leaving.accountId)).filter(
    (u) => u.role === 'owner' && u.disabledAt === null && u.id !== leaving.id,
  );
  if (owners.length === 0)
    throw new KassaError('invalid_state', 'the account needs at least one owner', 'role');
}

export async function changePassword(
  deps: AccessDeps,
  by: Actor,
  user: User,
  current: string,
  next: string,
): Promise<void> {
  if (!(await verifyPassword(current, user.passwordHash)))
    throw invalid('current_password', 'current password is wrong');
  checkPassword(next);
  await deps.access.users.update(
    user.id,
    { passwordHash: await hashPassword(next) },
    deps.clock.now(),
  );
  await audit(deps.access, deps.clock, by, 'user.password_changed', user.id);
}

/** A fresh secret to show as a QR code; it is stored only once a code from it is confirmed. */
export function proposeTotpSecret(): string {
  return newTotpSecret();
}

export async function enableTotp(
  deps: AccessDeps,
  by: Actor,
  user: User,
  secret: string,
  code: string,
): Promise<void> {
  if (!/^[A-Z2-7]{32}$/.test(secret)) throw invalid('secret', 'malformed secret');
  const step = matchTotpStep(secret, code.trim(), deps.clock.now());
  if (step === null) throw invalid('code', 'the code does not match; check the time on your phone');
  await deps.access.users.update(user.id, { totpSecret: secret }, deps.clock.now());
  // The code that turned two-factor on cannot sign in afterwards.
  await deps.access.users.claimTotpStep(user.id, step, deps.clock.now());
  await audit(deps.access, deps.clock, by, 'user.totp_enabled', user.id);
}

export async function disableTotp(
  deps: AccessDeps,
  by: Actor,
  user: User,
  password: string,
): Promise<void> {
  if (!(await verifyPassword(password, user.passwordHash)))
    throw invalid('current_password', 'current password is wrong');
  await deps.access.users.update(user.id, { totpSecret: null }, deps.clock.now());
  await audit(deps.access, deps.clock, by, 'user.totp_disabled', user.id);
}

export type { Role };
