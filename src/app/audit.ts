/** The audit log: who did what in the dashboard or the CLI. */
import type { AccessStore, AuditEntry } from './ports/access.js';
import type { Clock } from './ports/clock.js';
import { newId } from './ids.js';

export interface Actor {
  readonly accountId: string;
  readonly userId: string | null;
  /** The user's e-mail, or "cli". */
  readonly name: string;
  readonly ip: string | null;
}

export async function audit(
  access: AccessStore,
  clock: Clock,
  actor: Actor,
  action: string,
  target: string | null = null,
  detail: string | null = null,
): Promise<void> {
  const at = clock.now();
  await access.audit.append({
    id: newId('aud', at),
    accountId: actor.accountId,
    userId: actor.userId,
    actor: actor.name,
    action,
    target,
    detail,
    ip: actor.ip,
    createdAt: at,
  });
}

export async function auditLog(
  access: AccessStore,
  accountId: string,
  limit: number,
  before?: string,
): Promise<AuditEntry[]> {
  return access.audit.list(accountId, limit, before);
}
