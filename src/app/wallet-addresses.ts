/**
 * Handing out a wallet's addresses: the next index from the wallet's counter
 * row, its address from the pool derived ahead of time, one row written.
 * Reaching the wallet's gap limit is a warning for the merchant, never a refusal.
 */
import type { CryptoCurrency } from '../domain/currencies.js';
import { KassaError } from '../domain/errors.js';
import type { Project } from '../domain/project.js';
import type { AppContext } from './context.js';
import { sha256Hex } from './ids.js';
import type { HandedOut, WalletRef } from './ports/addresses.js';
import type { UnitOfWork } from './ports/store.js';
import { ensureWalletReady } from './wallet-ready.js';

export type { HandedOut, WalletGapWarning, WalletRef } from './ports/addresses.js';

export const DEFAULT_GAP_LIMIT = 100;

/** The wallet paying `currency` for this project, or a clear refusal. */
export function walletFor(
  ctx: AppContext,
  project: Project,
  testMode: boolean,
  currency: CryptoCurrency,
): WalletRef {
  if (testMode) {
    const family = ctx.chains.test;
    if (!family)
      throw new KassaError('currency_not_enabled', 'test mode is off on this instance', 'currency');
    return {
      projectId: project.id,
      chain: 'test',
      walletId: currency.code,
      key: project.id,
      network: 'regtest',
      currency,
      family,
      gapLimit: null,
    };
  }
  const wallet = project.wallets[currency.chain];
  const family = ctx.chains[currency.family];
  if (!wallet || !family) {
    throw new KassaError(
      'currency_not_enabled',
      `no ${currency.chain} wallet is configured for this project`,
      'currency',
    );
  }
  return {
    projectId: project.id,
    chain: currency.chain,
    walletId: sha256Hex(wallet.key).slice(0, 16),
    key: wallet.key,
    network: ctx.settings.networks[currency.chain] ?? wallet.network ?? 'mainnet',
    currency,
    family,
    gapLimit: wallet.gapLimit || DEFAULT_GAP_LIMIT,
  };
}

/** Derivation inputs as one id: equal ids derive equal addresses at every index. */
export function derivationSourceId(w: WalletRef): string {
  return sha256Hex(`${w.chain}\n${w.walletId}\n${w.network}\n${w.key}`).slice(0, 32);
}

/**
 * Hands the wallet's next never-used address to `ownerId` inside the caller's
 * transaction. With opt-in reuse, an address whose invoice expired unpaid and
 * whose cool-down is over comes first.
 */
export async function handOut(
  ctx: AppContext,
  uow: UnitOfWork,
  w: WalletRef,
  ownerId: string,
  reuse: boolean,
): Promise<HandedOut> {
  const now = ctx.clock.now();
  // A forwarder wallet's factory must be verified before any of its addresses goes out.
  if (w.chain !== 'test') await ensureWalletReady(ctx, w.chain, w.key, 'currency');
  if (reuse && ctx.settings.addressReuseCooldownMs > 0 && w.chain !== 'test') {
    const old = await uow.addresses.reusable(w.projectId, w.chain, w.walletId, now);
    if (
      old &&
      (await uow.addresses.reassign(w.projectId, w.chain, w.walletId, old.idx, ownerId, now))
    )
      return { chain: w.chain, address: old.address, index: old.idx };
  }
  const { idx, highestUsed } =
    ctx.addressSource?.take?.(w) ?? (await uow.addresses.take(w.projectId, w.chain, w.walletId));
  const address = ctx.addressSource
    ? await ctx.addressSource.addressAt(w, idx)
    : w.family.deriveAddress({ key: w.key, index: idx, currency: w.currency, network: w.network });
  await uow.addresses.allocate({
    projectId: w.projectId,
    chain: w.chain,
    walletId: w.walletId,
    idx,
    address,
    invoiceId: ownerId,
    at: now,
  });
  const gap = idx - highestUsed;
  if (w.gapLimit !== null && gap > w.gapLimit) {
    ctx.onWalletGap?.({
      projectId: w.projectId,
      chain: w.chain,
      walletId: w.walletId,
      index: idx,
      gap,
      gapLimit: w.gapLimit,
    });
  }
  return { chain: w.chain, address, index: idx };
}
