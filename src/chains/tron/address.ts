/**
 * TRON addresses: 21 bytes (0x41 + the last 20 bytes of keccak256 of the
 * uncompressed public key), shown as base58check ("T...").
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { createBase58check } from '@scure/base';

const TRON_PREFIX = 0x41;
const base58check = createBase58check(sha256);

/** Address of a secp256k1 public key, compressed (33 bytes) or not (65 bytes). */
export function addressFromPublicKey(publicKey: Uint8Array): string {
  // BIP32 libraries hand out compressed keys; TRON hashes the uncompressed X||Y.
  const uncompressed = secp256k1.Point.fromBytes(publicKey).toBytes(false);
  const body = keccak_256(uncompressed.subarray(1)).subarray(12);
  return encodeAddress(body);
}

/** base58check of 0x41 + `body` (the 20-byte EVM-style account id). */
function encodeAddress(body: Uint8Array): string {
  const bytes = new Uint8Array(21);
  bytes[0] = TRON_PREFIX;
  bytes.set(body, 1);
  return base58check.encode(bytes);
}

/** The 20-byte body of a base58check address, or null when it is not a TRON address. */
export function decodeAddress(address: string): Uint8Array | null {
  if (!/^T[1-9A-HJ-NP-Za-km-z]{33}$/.test(address)) return null;
  let bytes: Uint8Array;
  try {
    bytes = base58check.decode(address);
  } catch {
    return null;
  }
  if (bytes.length !== 21 || bytes[0] !== TRON_PREFIX) return null;
  return bytes.subarray(1);
}

export function isTronAddress(address: string): boolean {
  return decodeAddress(address) !== null;
}

/**
 * Converts the hex forms the node API prints to base58: `41` + 20 bytes
 * (transaction parameters, contract_address), a bare 20-byte log address, or a
 * 32-byte left-padded event topic. Returns null for anything else.
 */
export function hexToAddress(hex: string): string | null {
  let h = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (h.length === 64) {
    if (!/^0{24}/.test(h)) return null;
    h = h.slice(24);
  } else if (h.length === 42) {
    if (!h.startsWith('41')) return null;
    h = h.slice(2);
  }
  if (!/^[0-9a-fA-F]{40}$/.test(h)) return null;
  return encodeAddress(hexToBytes(h));
}

/** The 20-byte body in lower-case hex, as log addresses print it. */
export function addressToHex20(address: string): string {
  const body = decodeAddress(address);
  if (!body) throw new Error(`not a TRON address: ${address}`);
  return bytesToHex(body);
}
