/**
 * Forwarder deposit addresses, computed offline: the CREATE2 address at which
 * the factory would deploy a sweeper bound to one treasury and one salt. A
 * wallet key `forwarder(0xTREASURY)` (or `forwarder(0xTREASURY,0xFACTORY)`)
 * selects this mode; quote index i uses salt i.
 */
import type { Address, Hex } from 'viem';
import {
  addressWord,
  checksumAddress,
  create2Address,
  hexToBytes,
  keccakHex,
  uintWord,
} from './hex.js';
import { isValidEvmAddress } from './address.js';
import {
  FORWARDER_FACTORY_ABI,
  FORWARDER_FACTORY_INIT_CODE,
  FORWARDER_FACTORY_RUNTIME_CODE,
  SWEEPER_INIT_CODE,
} from './forwarder-artifact.js';

export { FORWARDER_FACTORY_ABI };

/** The keyless CREATE2 deployer present on most EVM chains (and on anvil). */
export const CREATE2_DEPLOYER: Address = '0x4e59b44847b379578588920ca78fbf26c0b4956c';
/** Salt of the factory's deployment through CREATE2_DEPLOYER. */
export const FACTORY_SALT: Hex = keccakHex(new TextEncoder().encode('kassa.forwarder.factory.v1'));
/** Where the factory lives on every chain where it was deployed through CREATE2_DEPLOYER. */
export const FORWARDER_FACTORY: Address = create2Address(
  CREATE2_DEPLOYER,
  FACTORY_SALT,
  FORWARDER_FACTORY_INIT_CODE,
);
/** keccak256 of the factory's runtime code: what eth_getCode must hash to before addresses are handed out. */
export const FORWARDER_FACTORY_CODE_HASH: Hex = keccakHex(FORWARDER_FACTORY_RUNTIME_CODE);

const COLLECT_SELECTOR = keccakHex(
  new TextEncoder().encode('collect(address,bytes,address[])'),
).slice(0, 10) as Hex;

export interface ForwarderWallet {
  readonly treasury: Address;
  readonly factory: Address;
}

const DESCRIPTOR = /^forwarder\(\s*(0x[0-9a-fA-F]{40})\s*(?:,\s*(0x[0-9a-fA-F]{40})\s*)?\)$/;

export function isForwarderKey(key: string): boolean {
  return key.trim().startsWith('forwarder(');
}

/** Parses `forwarder(0xTREASURY[,0xFACTORY])`; throws a message a merchant can act on. */
export function parseForwarderKey(key: string): ForwarderWallet {
  const m = DESCRIPTOR.exec(key.trim());
  if (!m) {
    throw new Error('expected forwarder(0xTREASURY) or forwarder(0xTREASURY,0xFACTORY)');
  }
  const [, treasury, factory] = m;
  if (!isValidEvmAddress(treasury!)) {
    throw new Error('the treasury is not a valid address (checksum, or the zero address)');
  }
  if (factory !== undefined && !isValidEvmAddress(factory)) {
    throw new Error('the factory is not a valid address (checksum, or the zero address)');
  }
  return {
    treasury: checksumAddress(treasury!),
    factory: factory ? checksumAddress(factory) : FORWARDER_FACTORY,
  };
}

/** The salt of the deposit address at quote index `index`. */
export function depositSalt(index: number | bigint): Hex {
  const n = BigInt(index);
  if (n < 0n) throw new Error('salt index must not be negative');
  return `0x${uintWord(n)}`;
}

/** The sweeper's init code for `treasury`: the treasury is part of the address. */
export function sweeperInitCode(treasury: Address): Hex {
  return `${SWEEPER_INIT_CODE}${addressWord(treasury)}`;
}

/** The deposit address of `treasury` and `salt` under `factory`. */
export function forwarderAddress(args: {
  factory: Address;
  treasury: Address;
  salt: Hex;
}): Address {
  return create2Address(args.factory, args.salt, sweeperInitCode(args.treasury));
}

/** The transaction that deploys the factory through CREATE2_DEPLOYER (anyone may send it). */
export function factoryDeployment(): { to: Address; data: Hex } {
  return { to: CREATE2_DEPLOYER, data: `${FACTORY_SALT}${FORWARDER_FACTORY_INIT_CODE.slice(2)}` };
}

/** Call data of `collect(treasury, salts, tokens)`; the factory takes each salt as 8 bytes. */
export function collectCalldata(args: {
  treasury: Address;
  salts: readonly Hex[];
  tokens: readonly Address[];
}): Hex {
  const packed = args.salts
    .map((s) => {
      const b = hexToBytes(s);
      if (b.length !== 32 || b.subarray(0, 24).some((x) => x !== 0)) {
        throw new Error(`salt ${s} is not a 32-byte word below 2^64`);
      }
      return s.slice(-16).toLowerCase();
    })
    .join('');
  const saltWords = Math.ceil(packed.length / 64);
  // ABI head: treasury, then the offsets of the two dynamic values (3 head words = 96 bytes).
  const saltsAt = 3n * 32n;
  const tokensAt = saltsAt + 32n * BigInt(1 + saltWords);
  return `${COLLECT_SELECTOR}${[
    addressWord(args.treasury),
    uintWord(saltsAt),
    uintWord(tokensAt),
    uintWord(BigInt(packed.length / 2)),
    packed.padEnd(saltWords * 64, '0'),
    uintWord(BigInt(args.tokens.length)),
    ...args.tokens.map(addressWord),
  ].join('')}`;
}
