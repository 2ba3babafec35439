/**
 * Key pairs for the Cryptopay- and CoinsPaid-compatible faces. Both providers
 * sign each request with an HMAC, so the gateway must hold something that
 * recomputes the secret; Kassa keeps API keys only as hashes. The secret is
 * therefore derived, never stored: HMAC-SHA256 of the public key under the
 * operator's signing key (KASSA_SIGNING_KEY, or a 0600 file under DATA_DIR).
 * A database dump alone signs nothing; revoking the underlying API key ends
 * the pair; rotating the signing key ends every pair at once.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalid } from '../domain/errors.js';
import { createApiKey } from './accounts.js';
import type { AppContext } from './context.js';
import { projectOf } from './invoices.js';
import type { ApiKeyAccess } from './ports/store.js';

export type Provider = 'cryptopay' | 'coinspaid';
export const PROVIDERS: readonly Provider[] = ['cryptopay', 'coinspaid'];

export interface ProviderCredentials {
  /** Public: `Authorization: HMAC <apiKey>:...` or `X-Processing-Key`. */
  readonly apiKey: string;
  readonly apiSecret: string;
}

export interface ProviderPrincipal {
  readonly accountId: string;
  readonly shopId: string;
  readonly secret: string;
  readonly access: ApiKeyAccess;
}

// `<shop id>.<API key id>`: both parts are [a-z0-9_], so the dot is unambiguous.
const PUBLIC_KEY = /^([a-z0-9]{4,40})\.(key_[a-z0-9]{10,40})$/;

export function deriveSecret(signingKey: Uint8Array, provider: Provider, apiKey: string): string {
  return createHmac('sha256', signingKey)
    .update(`kassa provider secret\0${provider}\0${apiKey}`)
    .digest('base64url');
}

/** A new API key bound to one project, and its provider-style key pair, shown once. */
export async function issueProviderCredentials(
  ctx: AppContext,
  signingKey: Uint8Array,
  input: {
    accountId: string;
    shopId: string;
    provider: Provider;
    label?: string | null;
    /** A read-only pair can look invoices up but not create, cancel or refund. */
    access?: ApiKeyAccess;
  },
): Promise<ProviderCredentials & { keyId: string }> {
  if (!PROVIDERS.includes(input.provider))
    throw invalid('provider', `provider must be one of ${PROVIDERS.join(', ')}`);
  const project = await projectOf(ctx, input.accountId, input.shopId);
  const { record } = await createApiKey(
    ctx,
    input.accountId,
    input.label ?? input.provider,
    undefined,
    { access: input.access ?? 'full', projectId: project.id },
  );
  const apiKey = `${project.id}.${record.id}`;
  return { keyId: record.id, apiKey, apiSecret: deriveSecret(signingKey, input.provider, apiKey) };
}

/** Who a public key speaks for, or null: unknown, revoked, or a project not of its account. */
export async function providerPrincipal(
  ctx: AppContext,
  signingKey: Uint8Array,
  provider: Provider,
  apiKey: string,
): Promise<ProviderPrincipal | null> {
  const m = PUBLIC_KEY.exec(apiKey);
  if (!m) return null;
  const record = await ctx.store.apiKeys.get(m[2]!);
  if (!record || record.revokedAt !== null) return null;
  const project = await ctx.store.projects.get(m[1]!);
  if (!project || project.accountId !== record.accountId) return null;
  // A key limited to a project speaks for that project only.
  if (record.projectId !== null && record.projectId !== project.id) return null;
  return {
    accountId: record.accountId,
    shopId: project.id,
    secret: deriveSecret(signingKey, provider, apiKey),
    access: record.access,
  };
}

/** Constant-time comparison of two signatures as text. */
export function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
