/**
 * Reads a merchant's wallet key: an extended public key (xpub, ypub, zpub,
 * tpub, upub, vpub, Ltub, Mtub, ttub) or an output descriptor
 * (`wpkh(...)`, `sh(wpkh(...))`, `pkh(...)`, with optional key origin and
 * checksum), into the node whose children are the receive addresses.
 *
 * Receive addresses are the children 0/i of the key, as wallets (and BTCPay
 * Server) derive them below the account key they export; an Electrum root
 * xpub (depth 0) works the same way.
 *
 * A plain xpub/tpub/Ltub says nothing about the script, so like BTCPay Server
 * Kassa pays it with native SegWit (P2WPKH) unless told otherwise: a
 * BTCPay-style suffix `-[p2sh]` (P2SH-P2WPKH) or `-[legacy]` (P2PKH), or the
 * project's address type setting. ypub/upub/Mtub mean P2SH-P2WPKH (BIP49),
 * zpub/vpub mean P2WPKH (BIP84), as SLIP-132 defines them.
 */
import { HDKey, HARDENED_OFFSET } from '@scure/bip32';
import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import type { NetworkName } from '../../app/ports/chain.js';
import { descriptorChecksum } from './descriptor-checksum.js';
import {
  EXTENDED_KEY_VERSIONS,
  type ExtendedKeyVersion,
  type ScriptType,
  type UtxoChain,
} from './networks.js';

const base58check = createBase58check(sha256);

export class WalletKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WalletKeyError';
  }
}

export interface WalletKey {
  /** Children of this node (non-hardened) are the receive addresses. */
  readonly receive: HDKey;
  readonly scriptType: ScriptType;
  readonly mainnet: boolean;
  readonly chain?: UtxoChain;
  readonly source: 'extended-key' | 'descriptor';
}

const SUFFIXES: Readonly<Record<string, ScriptType>> = {
  '-[p2sh]': 'p2sh-p2wpkh',
  '-[legacy]': 'p2pkh',
  '-[p2wpkh]': 'p2wpkh',
};

/**
 * Parses `text`. `preferred` is the project's address type and only applies to
 * keys that do not name a script themselves (xpub, tpub, Ltub, ttub).
 */
export function parseWalletKey(text: string, preferred?: ScriptType): WalletKey {
  const key = text.trim();
  if (/^[a-z]+\(/.test(key)) return parseDescriptor(key);
  let suffixType: ScriptType | undefined;
  let body = key;
  for (const [suffix, type] of Object.entries(SUFFIXES)) {
    if (key.endsWith(suffix)) {
      suffixType = type;
      body = key.slice(0, -suffix.length);
    }
  }
  const { hd, version } = decodeExtendedKey(body);
  if (version.scriptType && suffixType && suffixType !== version.scriptType) {
    throw new WalletKeyError(
      `a ${version.prefix} key is ${version.scriptType}; the suffix asks for ${suffixType}`,
    );
  }
  return {
    receive: hd.deriveChild(0),
    scriptType: version.scriptType ?? suffixType ?? preferred ?? 'p2wpkh',
    mainnet: version.mainnet,
    chain: version.chain,
    source: 'extended-key',
  };
}

function decodeExtendedKey(text: string): { hd: HDKey; version: ExtendedKeyVersion } {
  let bytes: Uint8Array;
  try {
    bytes = base58check.decode(text);
  } catch {
    throw new WalletKeyError('not an extended public key (bad base58 or checksum)');
  }
  if (bytes.length !== 78) throw new WalletKeyError('not an extended public key (wrong length)');
  const v = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  const version = EXTENDED_KEY_VERSIONS.get(v);
  if (!version)
    throw new WalletKeyError(`unknown extended key version 0x${v.toString(16).padStart(8, '0')}`);
  if (version.isPrivate) {
    throw new WalletKeyError(
      `${version.prefix} is a private key; Kassa only needs and accepts the public key`,
    );
  }
  try {
    return { hd: HDKey.fromExtendedKey(text, { public: v, private: 0 }), version };
  } catch (err) {
    throw new WalletKeyError(`invalid extended public key: ${(err as Error).message}`);
  }
}

const ORIGIN = /^\[[0-9a-fA-F]{8}(\/\d+['hH]?)*\]/;

function parseDescriptor(text: string): WalletKey {
  let desc = text;
  const hash = text.indexOf('#');
  if (hash >= 0) {
    desc = text.slice(0, hash);
    const given = text.slice(hash + 1);
    const expected = descriptorChecksum(desc);
    if (given !== expected)
      throw new WalletKeyError(`descriptor checksum mismatch: got ${given}, expected ${expected}`);
  }
  let scriptType: ScriptType;
  let inner: string;
  if (desc.startsWith('sh(wpkh(') && desc.endsWith('))')) {
    scriptType = 'p2sh-p2wpkh';
    inner = desc.slice(8, -2);
  } else if (desc.startsWith('wpkh(') && desc.endsWith(')')) {
    scriptType = 'p2wpkh';
    inner = desc.slice(5, -1);
  } else if (desc.startsWith('pkh(') && desc.endsWith(')')) {
    scriptType = 'p2pkh';
    inner = desc.slice(4, -1);
  } else {
    throw new WalletKeyError('unsupported descriptor: use wpkh(KEY), sh(wpkh(KEY)) or pkh(KEY)');
  }
  const origin = ORIGIN.exec(inner);
  if (inner.startsWith('[') && !origin)
    throw new WalletKeyError('invalid key origin in descriptor');
  const keyAndPath = origin ? inner.slice(origin[0].length) : inner;
  const [keyText = '', ...steps] = keyAndPath.split('/');
  if (steps.at(-1) !== '*') {
    throw new WalletKeyError(
      'the descriptor must end in /* (e.g. .../0/*) so each invoice gets its own address',
    );
  }
  const { hd, version } = decodeExtendedKey(keyText);
  let node = hd;
  for (const step of steps.slice(0, -1)) {
    node = node.deriveChild(parseStep(step));
  }
  return {
    receive: node,
    scriptType,
    mainnet: version.mainnet,
    chain: version.chain,
    source: 'descriptor',
  };
}

function parseStep(step: string): number {
  // Multipath `<0;1>` names the receive and change chains; receive is first.
  const multi = /^<(\d+);\d+>$/.exec(step);
  const digits = multi ? multi[1]! : step;
  if (/['hH]$/.test(digits))
    throw new WalletKeyError('hardened steps cannot be derived from a public key');
  if (!/^\d+$/.test(digits)) throw new WalletKeyError(`invalid derivation step "${step}"`);
  const n = Number(digits);
  if (n >= HARDENED_OFFSET) throw new WalletKeyError(`derivation step ${step} out of range`);
  return n;
}

/** Throws a WalletKeyError when `key` does not belong to `network` (testnet keys serve regtest). */
export function checkKeyNetwork(key: WalletKey, chain: UtxoChain, network: NetworkName): void {
  if (key.mainnet !== (network === 'mainnet')) {
    throw new WalletKeyError(
      `this is a ${key.mainnet ? 'mainnet' : 'testnet/regtest'} key but ${chain} runs on ${network}`,
    );
  }
  if (key.chain && key.chain !== chain)
    throw new WalletKeyError(`this is a ${key.chain} key, not a ${chain} key`);
}
