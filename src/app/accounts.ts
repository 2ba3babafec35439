/** Accounts, projects and API keys: what the operator manages. */
import { CRYPTO_CURRENCIES, cryptoCurrency } from '../domain/currencies.js';
import { invalid, KassaError, notFound } from '../domain/errors.js';
import type { Account, Project, WalletConfig } from '../domain/project.js';
import { DEFAULT_RULES, invalidRule, type ProjectRules } from '../domain/rules.js';
import type { AppContext } from './context.js';
import { newId, secret, sha256Hex } from './ids.js';
import type { ApiKeyAccess, ApiKeyRecord } from './ports/store.js';
import { DEFAULT_GAP_LIMIT } from './wallet-addresses.js';
import { ensureWalletReady } from './wallet-ready.js';

const API_KEY_PREFIX = 'kassa_';

export async function createAccount(ctx: AppContext, name: string, id?: string): Promise<Account> {
  const account: Account = { id: id ?? newId('acc'), name, createdAt: ctx.clock.now() };
  await ctx.store.transaction((uow) => uow.accounts.insert(account));
  return account;
}

/** Creates an API key; the key itself is returned once and stored only as a hash. */
export async function createApiKey(
  ctx: AppContext,
  accountId: string,
  label: string | null = null,
  presetKey?: string,
  scope: { access?: ApiKeyAccess; projectId?: string | null } = {},
): Promise<{ key: string; record: ApiKeyRecord }> {
  if (!(await ctx.store.accounts.get(accountId))) throw notFound('account');
  const access = scope.access ?? 'full';
  if (access !== 'full' && access !== 'read')
    throw invalid('access', 'access must be full or read');
  const projectId = scope.projectId ?? null;
  if (projectId !== null) {
    const p = await ctx.store.projects.get(projectId);
    if (!p || p.accountId !== accountId) throw notFound('project');
  }
  const key = presetKey ?? secret(API_KEY_PREFIX, 24);
  const record: ApiKeyRecord = {
    id: newId('key'),
    accountId,
    prefix: key.slice(0, 12),
    label,
    createdAt: ctx.clock.now(),
    revokedAt: null,
    access,
    projectId,
  };
  await ctx.store.transaction((uow) => uow.apiKeys.insert({ ...record, keyHash: sha256Hex(key) }));
  return { key, record };
}

/** The account an API key belongs to, or null for an unknown or revoked key. */
export async function authenticate(ctx: AppContext, key: string): Promise<string | null> {
  return (await authenticateKey(ctx, key))?.accountId ?? null;
}

/** The active key record behind a key, with its scope, or null. */
export async function authenticateKey(ctx: AppContext, key: string): Promise<ApiKeyRecord | null> {
  const rec = await ctx.store.apiKeys.byHash(sha256Hex(key));
  return rec && rec.revokedAt === null ? rec : null;
}

export async function revokeApiKey(ctx: AppContext, keyId: string): Promise<void> {
  const revoked = await ctx.store.transaction((uow) => uow.apiKeys.revoke(keyId, ctx.clock.now()));
  if (!revoked) throw notFound('active API key');
}

export interface ProjectInput {
  readonly id?: string;
  readonly name: string;
  readonly logoUrl?: string | null;
  readonly successUrl?: string | null;
  readonly failUrl?: string | null;
  readonly enabledCurrencies?: readonly string[];
  readonly wallets?: Readonly<
    Record<string, { key: string; gapLimit?: number; network?: WalletConfig['network'] }>
  >;
  readonly confirmations?: Readonly<Record<string, number>>;
  readonly rules?: Partial<ProjectRules>;
  readonly testMode?: boolean;
}

function validateProject(ctx: AppContext, p: Project): void {
  for (const [i, code] of p.enabledCurrencies.entries()) {
    if (!cryptoCurrency(code))
      throw invalid(`enabled_currencies[${i}]`, `unknown currency ${code}`);
  }
  for (const [chain, w] of Object.entries(p.wallets)) {
    const currency = CRYPTO_CURRENCIES.find((c) => c.chain === chain && !c.contract);
    if (!currency) throw invalid(`wallets.${chain}`, `unknown chain ${chain}`);
    const family = ctx.chains[currency.family];
    if (!family) throw invalid(`wallets.${chain}`, `${chain} is not supported by this build`);
    try {
      family.validateKey(w.key, currency, ctx.settings.networks[chain] ?? w.network ?? 'mainnet');
    } catch (e) {
      throw invalid(`wallets.${chain}.key`, (e as Error).message);
    }
  }
  for (const [code, n] of Object.entries(p.confirmations)) {
    if (!cryptoCurrency(code)) throw invalid(`confirmations.${code}`, `unknown currency ${code}`);
    if (!Number.isInteger(n) || n < 0 || n > 1000)
      throw invalid(`confirmations.${code}`, 'must be 0-1000');
  }
  const bad = invalidRule(p.rules);
  if (bad) throw invalid(`rules.${bad}`, 'invalid rule value');
}

async function walletsReady(ctx: AppContext, p: Project): Promise<void> {
  for (const [chain, w] of Object.entries(p.wallets)) {
    await ensureWalletReady(ctx, chain, w.key, `wallets.${chain}.key`);
  }
}

export async function createProject(
  ctx: AppContext,
  accountId: string,
  input: ProjectInput,
): Promise<{ project: Project; secretKey: string }> {
  if (!(await ctx.store.accounts.get(accountId))) throw notFound('account');
  const project: Project = {
    id: input.id ?? secret('', 10).slice(0, 16),
    accountId,
    name: input.name,
    logoUrl: input.logoUrl ?? null,
    successUrl: input.successUrl ?? null,
    failUrl: input.failUrl ?? null,
    enabledCurrencies: (input.enabledCurrencies ?? CRYPTO_CURRENCIES.map((c) => c.code)).map((c) =>
      c.toUpperCase(),
    ),
    wallets: Object.fromEntries(
      Object.entries(input.wallets ?? {}).map(([chain, w]) => [
        chain.toUpperCase(),
        {
          key: w.key,
          gapLimit: w.gapLimit ?? DEFAULT_GAP_LIMIT,
          ...(w.network ? { network: w.network } : {}),
        },
      ]),
    ),
    confirmations: { ...input.confirmations },
    rules: { ...DEFAULT_RULES, ...input.rules },
    testMode: input.testMode ?? ctx.settings.testMode,
    createdAt: ctx.clock.now(),
  };
  validateProject(ctx, project);
  await walletsReady(ctx, project);
  if (await ctx.store.projects.get(project.id))
    throw new KassaError('conflict', `project ${project.id} exists`, 'id');
  const secretKey = secret('', 32);
  await ctx.store.transaction((uow) => uow.projects.insert(project, secretKey));
  return { project, secretKey };
}

export async function updateProject(
  ctx: AppContext,
  project: Project,
  input: Partial<ProjectInput>,
): Promise<Project> {
  const next: Project = {
    ...project,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.logoUrl !== undefined ? { logoUrl: input.logoUrl } : {}),
    ...(input.successUrl !== undefined ? { successUrl: input.successUrl } : {}),
    ...(input.failUrl !== undefined ? { failUrl: input.failUrl } : {}),
    ...(input.enabledCurrencies
      ? { enabledCurrencies: input.enabledCurrencies.map((c) => c.toUpperCase()) }
      : {}),
    ...(input.wallets
      ? {
          wallets: {
            ...project.wallets,
            ...Object.fromEntries(
              Object.entries(input.wallets).map(([chain, w]) => [
                chain.toUpperCase(),
                {
                  key: w.key,
                  gapLimit: w.gapLimit ?? DEFAULT_GAP_LIMIT,
                  ...(w.network ? { network: w.network } : {}),
                },
              ]),
            ),
          },
        }
      : {}),
    ...(input.confirmations
      ? { confirmations: { ...project.confirmations, ...input.confirmations } }
      : {}),
    ...(input.rules ? { rules: { ...project.rules, ...input.rules } } : {}),
    ...(input.testMode !== undefined ? { testMode: input.testMode } : {}),
  };
  validateProject(ctx, next);
  await walletsReady(ctx, next);
  await ctx.store.transaction((uow) => uow.projects.update(next, ctx.clock.now()));
  return next;
}

export async function listProjects(ctx: AppContext, accountId: string): Promise<Project[]> {
  return ctx.store.projects.list(accountId);
}
