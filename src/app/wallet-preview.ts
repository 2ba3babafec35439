/**
 * The first receive addresses of a wallet key, with their derivation paths,
 * so the merchant can compare them with their wallet software before saving.
 * Derived by the same chain adapters that hand out invoice addresses.
 */
import { cryptoCurrency } from '../domain/currencies.js';
import { invalid } from '../domain/errors.js';
import type { AppContext } from './context.js';
import type { NetworkName } from './ports/chain.js';

export interface PreviewAddress {
  readonly index: number;
  readonly path: string;
  readonly address: string;
}

/** `m/…` when a descriptor names its origin; otherwise the path below the pasted key. */
export function derivationPath(key: string, index: number): string {
  const origin = /\[[0-9a-fA-F]{8}((?:\/\d+['h]?)*)\]/.exec(key);
  const below = /((?:\/\d+)*)\/\*/.exec(key.replace(/<0;1>/, '0'));
  const rest = below ? `${below[1]}/${index}` : `/0/${index}`;
  return origin ? `m${origin[1]!.replace(/h/g, "'")}${rest}` : `(key)${rest}`;
}

export function previewWallet(
  ctx: AppContext,
  input: { currency: string; key: string; network: string; count?: number },
): PreviewAddress[] {
  const currency = cryptoCurrency(input.currency.toUpperCase());
  if (!currency) throw invalid('currency', `unknown currency ${input.currency}`);
  if (!['mainnet', 'testnet', 'regtest'].includes(input.network))
    throw invalid('network', 'network must be mainnet, testnet or regtest');
  const family = ctx.chains[currency.family];
  if (!family) throw invalid('currency', `${currency.code} is not supported by this build`);
  const key = input.key.trim();
  if (!key || key.length > 1000) throw invalid('key', 'key is required');
  const network = input.network as NetworkName;
  try {
    family.validateKey(key, currency, network);
    return Array.from({ length: input.count ?? 5 }, (_, index) => ({
      index,
      path: derivationPath(key, index),
      address: family.deriveAddress({ key, index, currency, network }),
    }));
  } catch (e) {
    throw invalid('key', (e as Error).message);
  }
}
