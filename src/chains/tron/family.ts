/**
 * TRON per-invoice addresses: the project's account xpub (m/44'/195'/0')
 * derives 0/i, one address per quote. Pure; no I/O.
 */
import { HDKey } from '@scure/bip32';
import type { ChainFamilyAdapter } from '../../app/ports/chain.js';
import { addressFromPublicKey, isTronAddress } from './address.js';

/** BIP32 version bytes: wallets export TRON account keys as xpub; tpub is accepted for test wallets. */
const XPUB = { private: 0x0488ade4, public: 0x0488b21e };
const TPUB = { private: 0x04358394, public: 0x043587cf };
const ACCOUNT_DEPTH = 3;
const MAX_INDEX = 0x7fffffff;

/** External-chain (0) nodes of parsed account keys, so each address costs one child derivation. */
const externalChains = new Map<string, HDKey>();

function externalChain(key: string): HDKey {
  const cached = externalChains.get(key);
  if (cached) return cached;
  const external = parseAccountKey(key).deriveChild(0);
  if (externalChains.size >= 1000) externalChains.clear();
  externalChains.set(key, external);
  return external;
}

function parseAccountKey(key: string): HDKey {
  const trimmed = key.trim();
  if (/^[xt]prv/.test(trimmed)) {
    throw new Error(
      'TRON wallet key is a private key (xprv); Kassa needs the account xpub and never holds private keys',
    );
  }
  let hd: HDKey;
  try {
    hd = HDKey.fromExtendedKey(trimmed, trimmed.startsWith('tpub') ? TPUB : XPUB);
  } catch (err) {
    throw new Error(`TRON wallet key is not a valid xpub: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (hd.privateKey) {
    throw new Error(
      'TRON wallet key is a private key; Kassa needs the account xpub and never holds private keys',
    );
  }
  if (hd.depth !== ACCOUNT_DEPTH) {
    throw new Error(
      `TRON wallet key must be the account-level xpub of m/44'/195'/0' (depth ${ACCOUNT_DEPTH}), got depth ${hd.depth}`,
    );
  }
  return hd;
}

export const tronFamily: ChainFamilyAdapter = {
  family: 'tron',

  deriveAddress({ key, index }) {
    if (!Number.isInteger(index) || index < 0 || index > MAX_INDEX) {
      throw new Error(`address index must be an integer in 0..${MAX_INDEX}, got ${index}`);
    }
    const child = externalChain(key).deriveChild(index);
    if (!child.publicKey) throw new Error('derived TRON key has no public key');
    return addressFromPublicKey(child.publicKey);
  },

  // Wallets share no TRON URI scheme; the page shows the amount beside the address.
  paymentUri({ address }) {
    return address;
  },

  isValidAddress(address) {
    return isTronAddress(address);
  },

  validateKey(key) {
    parseAccountKey(key);
  },
};
