/**
 * The Bitcoin/Litecoin chain family: receive addresses from the merchant's
 * wallet key, BIP21 payment URIs, address and key validation.
 */
import type { ChainFamilyAdapter, NetworkName } from '../../app/ports/chain.js';
import type { CryptoCurrency } from '../../domain/currencies.js';
import { encodeAddress, isAddressOf } from './address.js';
import { deriveChildAddresses } from './derive-batch.js';
import { utxoNetwork, type ScriptType, type UtxoChain } from './networks.js';
import { bip21Uri } from './payment-uri.js';
import { checkKeyNetwork, parseWalletKey, WalletKeyError, type WalletKey } from './wallet-key.js';

// The node client and watcher are imported from their own modules, only when a node is configured.
export { WalletKeyError } from './wallet-key.js';
export type { ScriptType, UtxoChain } from './networks.js';

// Parsing a key costs a base58 decode and one child derivation; invoices of a
// project reuse the same key, so keep a bounded cache of parsed keys.
const CACHE_LIMIT = 1000;
const cache = new Map<string, WalletKey>();

function walletKey(key: string, preferred?: ScriptType): WalletKey {
  const id = `${preferred ?? ''}|${key}`;
  let parsed = cache.get(id);
  if (!parsed) {
    parsed = parseWalletKey(key, preferred);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(id, parsed);
  }
  return parsed;
}

function chainOf(currency: CryptoCurrency): UtxoChain {
  if (currency.chain !== 'BTC' && currency.chain !== 'LTC') {
    throw new Error(`${currency.code} is not paid on a Bitcoin-like chain`);
  }
  return currency.chain;
}

/**
 * The receive address at `index` (path `0/index` below an account key, or
 * the descriptor's `*`). `scriptType` is the project's address type for keys
 * that do not name one (xpub, tpub, Ltub); P2WPKH when absent.
 */
export function deriveUtxoAddress(args: {
  key: string;
  index: number;
  chain: UtxoChain;
  network: NetworkName;
  scriptType?: ScriptType;
}): string {
  if (!Number.isInteger(args.index) || args.index < 0 || args.index >= 0x80000000) {
    throw new WalletKeyError(`address index ${args.index} out of range`);
  }
  const key = walletKey(args.key, args.scriptType);
  checkKeyNetwork(key, args.chain, args.network);
  const child = key.receive.deriveChild(args.index);
  if (!child.publicKey) throw new Error('derivation produced no public key');
  return encodeAddress(child.publicKey, key.scriptType, utxoNetwork(args.chain, args.network));
}

/** Addresses `from` .. `from + count - 1`, equal to deriveUtxoAddress for each, at a fraction of its cost. */
export function deriveUtxoAddresses(args: {
  key: string;
  from: number;
  count: number;
  chain: UtxoChain;
  network: NetworkName;
  scriptType?: ScriptType;
}): string[] {
  const last = args.from + args.count - 1;
  if (!Number.isInteger(args.from) || args.from < 0 || args.count < 0 || last >= 0x80000000) {
    throw new WalletKeyError(`address indexes ${args.from}..${last} out of range`);
  }
  const key = walletKey(args.key, args.scriptType);
  checkKeyNetwork(key, args.chain, args.network);
  return deriveChildAddresses(
    key.receive,
    args.from,
    args.count,
    key.scriptType,
    utxoNetwork(args.chain, args.network),
    (index) => deriveUtxoAddress({ ...args, index }),
  );
}

export const utxoFamily: ChainFamilyAdapter = {
  family: 'utxo',

  /** `addressType` (the project's setting) applies to keys that name no script: xpub, tpub, Ltub. */
  deriveAddress({
    key,
    index,
    currency,
    network,
    addressType,
  }: Parameters<ChainFamilyAdapter['deriveAddress']>[0] & { addressType?: ScriptType }) {
    return deriveUtxoAddress({
      key,
      index,
      chain: chainOf(currency),
      network,
      ...(addressType ? { scriptType: addressType } : {}),
    });
  },

  deriveAddresses({ key, from, count, currency, network }) {
    return deriveUtxoAddresses({ key, from, count, chain: chainOf(currency), network });
  },

  paymentUri({
    currency,
    address,
    amount,
    label,
    message,
  }: Parameters<ChainFamilyAdapter['paymentUri']>[0] & { message?: string }) {
    return bip21Uri(
      utxoNetwork(chainOf(currency), 'mainnet'),
      address,
      amount,
      currency.decimals,
      label,
      message,
    );
  },

  isValidAddress(address, currency, network) {
    return isAddressOf(address, utxoNetwork(chainOf(currency), network));
  },

  validateKey(key, currency, network) {
    const chain = chainOf(currency);
    const parsed = walletKey(key);
    checkKeyNetwork(parsed, chain, network);
  },
};
