/**
 * The few EVM encodings needed on the request path (EIP-55, CREATE2, one ABI
 * call), on @noble/hashes alone: viem is loaded only where a node is configured.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex as toHex, hexToBytes as fromHex } from '@noble/hashes/utils.js';

export type Hex = `0x${string}`;

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export function bytesToHex(bytes: Uint8Array): Hex {
  return `0x${toHex(bytes)}`;
}

export function hexToBytes(hex: string): Uint8Array {
  return fromHex(hex.startsWith('0x') ? hex.slice(2) : hex);
}

export function keccakHex(data: Uint8Array | string): Hex {
  return bytesToHex(keccak_256(typeof data === 'string' ? hexToBytes(data) : data));
}

/** The EIP-55 checksummed form of a 20-byte hex address; throws on anything else. */
export function checksumAddress(address: string): Hex {
  if (!ADDRESS.test(address)) throw new Error(`Address "${address}" is invalid.`);
  const lower = address.slice(2).toLowerCase();
  const hash = keccak_256(new TextEncoder().encode(lower));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const nibble = (hash[i >> 1]! >> (i % 2 === 0 ? 4 : 0)) & 0xf;
    out += nibble >= 8 ? lower[i]!.toUpperCase() : lower[i]!;
  }
  return out as Hex;
}

/** A 32-byte big-endian word of a non-negative integer. */
export function uintWord(n: bigint): string {
  if (n < 0n || n >= 1n << 256n) throw new Error(`${n} does not fit 32 bytes`);
  return n.toString(16).padStart(64, '0');
}

/** A 20-byte address left-padded to a 32-byte word (no 0x). */
export function addressWord(address: string): string {
  return checksumAddress(address).slice(2).toLowerCase().padStart(64, '0');
}

/** The address CREATE2 from `from` with `salt` and `initCode` deploys to. */
export function create2Address(from: string, salt: Hex, initCode: Hex): Hex {
  const codeHash = keccakHex(initCode).slice(2);
  const data = `ff${checksumAddress(from).slice(2)}${salt.slice(2)}${codeHash}`;
  return checksumAddress(bytesToHex(keccak_256(hexToBytes(data)).subarray(12)));
}
