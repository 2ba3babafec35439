/**
 * Addresses of derived public keys, and address validation, per chain and
 * network. Written on @scure/base and @noble/hashes, as @scure/btc-signer's
 * Address coder does it: that package's payment module also loads its
 * transaction and PSBT code (about 1 MiB resident) in every process.
 */
import { bech32, bech32m, createBase58check } from '@scure/base';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { ScriptType, UtxoNetwork } from './networks.js';

const base58check = createBase58check(sha256);
const hash160 = (b: Uint8Array): Uint8Array => ripemd160(sha256(b));

function base58Address(version: number, hash: Uint8Array): string {
  const b = new Uint8Array(21);
  b[0] = version;
  b.set(hash, 1);
  return base58check.encode(b);
}

/** The address of a 20-byte public key hash with `type`, printed as the node prints it. */
function encodeKeyHash(hash: Uint8Array, type: ScriptType, net: UtxoNetwork): string {
  if (hash.length !== 20) throw new Error('a key hash has 20 bytes');
  if (type === 'p2wpkh') return bech32.encode(net.bech32, [0, ...bech32.toWords(hash)]);
  if (type === 'p2pkh') return base58Address(net.pubKeyHash, hash);
  // P2SH-P2WPKH: the script hash of the witness program OP_0 <20-byte key hash>.
  const program = new Uint8Array(22);
  program[1] = 0x14;
  program.set(hash, 2);
  return base58Address(net.scriptHash, hash160(program));
}

/** The address paying `publicKey` (33-byte compressed) with `type`, printed as the node prints it. */
export function encodeAddress(publicKey: Uint8Array, type: ScriptType, net: UtxoNetwork): string {
  if (publicKey.length !== 33 || (publicKey[0] !== 2 && publicKey[0] !== 3))
    throw new Error('address encoding failed: not a compressed public key');
  return encodeKeyHash(hash160(publicKey), type, net);
}

/** BIP433 pay-to-anchor: the fixed v1 witness program 0x4e73. */
const P2A = [0x4e, 0x73];

/** A standard witness address (v0 key or script hash, taproot, pay-to-anchor) for prefix `hrp`. */
function isWitnessAddress(address: string, hrp: string): boolean {
  let res: { prefix: string; words: number[] };
  try {
    res = bech32.decode(address as `${string}1${string}`);
    if (res.words[0] !== 0) throw new Error('not version 0');
  } catch {
    // From version 1 on the checksum is bech32m (BIP 350).
    try {
      res = bech32m.decode(address as `${string}1${string}`);
    } catch {
      return false;
    }
    if (res.words[0] === 0) return false;
  }
  if (res.prefix !== hrp) return false;
  const [version, ...words] = res.words;
  let data: Uint8Array;
  try {
    data = bech32.fromWords(words);
  } catch {
    return false;
  }
  if (version === undefined || version > 16 || data.length < 2 || data.length > 40) return false;
  if (version === 0) return data.length === 20 || data.length === 32;
  return (
    version === 1 &&
    (data.length === 32 || (data.length === 2 && data[0] === P2A[0] && data[1] === P2A[1]))
  );
}

function decodes(address: string, net: UtxoNetwork, scriptHash: number): boolean {
  if (address.length < 14 || address.length > 74) return false;
  if (address.toLowerCase().startsWith(`${net.bech32}1`))
    return isWitnessAddress(address, net.bech32);
  let data: Uint8Array;
  try {
    data = base58check.decode(address);
  } catch {
    return false;
  }
  return data.length === 21 && (data[0] === net.pubKeyHash || data[0] === scriptHash);
}

/** Whether `address` is a well-formed address of `net` (any standard output type, checksum verified). */
export function isAddressOf(address: string, net: UtxoNetwork): boolean {
  if (address.length < 14 || address.length > 90) return false;
  if (decodes(address, net, net.scriptHash)) return true;
  return net.legacyScriptHash !== undefined && decodes(address, net, net.legacyScriptHash);
}
