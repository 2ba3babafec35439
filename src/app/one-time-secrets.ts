/**
 * Secrets shown once in the dashboard survive the redirect after the POST that
 * made them, so a reload shows "already shown" instead of making another one.
 * They are sealed with a key derived from the session's cookie token, which
 * the database never holds, and live a few minutes at most.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { sha256Hex } from './ids.js';
import type { AccessStore } from './ports/access.js';
import type { Clock } from './ports/clock.js';

export const ONE_TIME_SECRET_TTL_MS = 5 * 60_000;

interface Deps {
  readonly access: AccessStore;
  readonly clock: Clock;
}

const keyFor = (sessionToken: string) =>
  createHmac('sha256', sessionToken).update('kassa one-time secret').digest();

/** Keeps `secret` for the session holding `sessionToken`; returns the id to show it by. */
export async function stashSecret(
  deps: Deps,
  sessionToken: string,
  secret: string,
): Promise<string> {
  const id = randomBytes(16).toString('base64url');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(sessionToken), iv);
  cipher.setAAD(Buffer.from(id));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  const sealed = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
  const now = deps.clock.now();
  await deps.access.oneTimeSecrets.put(
    { id, sessionHash: sha256Hex(sessionToken), sealed, expiresAt: now + ONE_TIME_SECRET_TTL_MS },
    now,
  );
  return id;
}

/** The secret, once: a second call, another session or an expired entry gets undefined. */
export async function revealSecret(
  deps: Deps,
  sessionToken: string,
  id: string,
): Promise<string | undefined> {
  const sealed = await deps.access.oneTimeSecrets.take(
    id,
    sha256Hex(sessionToken),
    deps.clock.now(),
  );
  if (sealed === undefined) return undefined;
  const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(sessionToken), iv!);
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(tag!);
    return Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
