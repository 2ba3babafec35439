/**
 * Ethereum addresses from the merchant's account-level xpub (m/44'/60'/0'):
 * the quote at index i pays to m/44'/60'/0'/0/i, the address every common
 * wallet (MetaMask, Ledger, Trezor) shows for that seed.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { HDKey } from '@scure/bip32';
import { bytesToHex, checksumAddress } from './hex.js';

/** BIP32 version bytes of xpub/tpub; an Ethereum account key is usually exported as xpub. */
const PUBLIC_VERSIONS = [
  { public: 0x0488b21e, private: 0x0488ade4 },
  { public: 0x043587cf, private: 0x04358394 },
] as const;

const ACCOUNT_DEPTH = 3;
const MAX_INDEX = 0x7fffffff;

/** Parses an account-level xpub; throws a message a merchant can act on. */
export function parseAccountKey(key: string): HDKey {
  const trimmed = key.trim();
  if (/^[xt]prv/.test(trimmed)) {
    throw new Error(
      'this is a private key (xprv): Kassa only needs the account xpub and never holds private keys',
    );
  }
  let hd: HDKey | undefined;
  let lastError: unknown;
  for (const versions of PUBLIC_VERSIONS) {
    try {
      hd = HDKey.fromExtendedKey(trimmed, versions);
      break;
    } catch (err) {
      lastError = err;
    }
  }
  if (!hd) {
    const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
    throw new Error(`not an extended public key (xpub)${reason}`);
  }
  if (hd.privateKey) {
    throw new Error('this is a private key: Kassa only needs the account xpub');
  }
  if (hd.depth !== ACCOUNT_DEPTH) {
    throw new Error(
      `expected the account-level xpub of m/44'/60'/0' (depth ${ACCOUNT_DEPTH}), got a key of depth ${hd.depth}`,
    );
  }
  return hd;
}

/** EIP-55 address of an (un)compressed secp256k1 public key. */
export function publicKeyToEvmAddress(publicKey: Uint8Array): string {
  const uncompressed = secp256k1.Point.fromBytes(publicKey).toBytes(false);
  const hash = keccak_256(uncompressed.subarray(1));
  return checksumAddress(bytesToHex(hash.subarray(12)));
}

/** The receive address at `index` (external chain 0) of an account key. */
export function deriveEvmAddress(account: HDKey, index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > MAX_INDEX) {
    throw new Error(`address index must be an integer in 0..${MAX_INDEX}, got ${index}`);
  }
  const child = account.deriveChild(0).deriveChild(index);
  if (!child.publicKey) throw new Error('derived key has no public key');
  return publicKeyToEvmAddress(child.publicKey);
}

const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const ZERO_ADDRESS = /^0x0{40}$/;

/**
 * A usable destination: 20 bytes of hex, with a correct EIP-55 checksum when
 * mixed case (a typo then fails instead of sending funds nowhere), not the zero address.
 */
export function isValidEvmAddress(address: string): boolean {
  if (!HEX_ADDRESS.test(address) || ZERO_ADDRESS.test(address)) return false;
  const body = address.slice(2);
  const singleCase = body === body.toLowerCase() || body === body.toUpperCase();
  return singleCase || checksumAddress(address) === address;
}
