/** Refusing a wallet whose on-chain prerequisites fail (see AppContext.walletReady). */
import { KassaError } from '../domain/errors.js';
import type { AppContext } from './context.js';

export async function ensureWalletReady(
  ctx: AppContext,
  chain: string,
  key: string,
  field: string,
): Promise<void> {
  if (!ctx.walletReady) return;
  try {
    await ctx.walletReady(chain, key);
  } catch (e) {
    throw new KassaError('currency_not_enabled', (e as Error).message, field);
  }
}
