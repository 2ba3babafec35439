/**
 * Dashboard roles and what each may do. The server checks one permission per
 * route; hiding a button is only a courtesy.
 */
export type Role = 'owner' | 'admin' | 'staff' | 'viewer';

export const ROLES: readonly Role[] = ['owner', 'admin', 'staff', 'viewer'];

export type Permission =
  /** See invoices, overview, deliveries. */
  | 'read'
  /** Create, cancel, complete invoices; record refunds; redeliver callbacks. */
  | 'invoices.write'
  /** Projects, wallets, webhook endpoints, API keys. */
  | 'settings.write'
  /** Users and roles. */
  | 'users.manage'
  | 'audit.read';

const GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: ['read', 'invoices.write', 'settings.write', 'users.manage', 'audit.read'],
  admin: ['read', 'invoices.write', 'settings.write'],
  staff: ['read', 'invoices.write'],
  viewer: ['read'],
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}
