/**
 * Address and key parameters of Bitcoin and Litecoin per network, as in
 * Bitcoin Core's and Litecoin Core's chainparams.cpp and SLIP-132.
 */
import type { NetworkName } from '../../app/ports/chain.js';

export type UtxoChain = 'BTC' | 'LTC';

/** How an output pays a derived public key. */
export type ScriptType = 'p2wpkh' | 'p2sh-p2wpkh' | 'p2pkh';

export interface UtxoNetwork {
  readonly chain: UtxoChain;
  readonly network: NetworkName;
  readonly bech32: string;
  readonly pubKeyHash: number;
  /** Version the node prints for P2SH addresses. */
  readonly scriptHash: number;
  /** Litecoin still accepts P2SH addresses with Bitcoin's version ("3..."/"2..."). */
  readonly legacyScriptHash?: number;
  readonly wif: number;
  /** BIP21 URI scheme. */
  readonly uriScheme: 'bitcoin' | 'litecoin';
}

const NETWORKS: Readonly<Record<UtxoChain, Readonly<Record<NetworkName, UtxoNetwork>>>> = {
  BTC: {
    mainnet: {
      chain: 'BTC',
      network: 'mainnet',
      bech32: 'bc',
      pubKeyHash: 0x00,
      scriptHash: 0x05,
      wif: 0x80,
      uriScheme: 'bitcoin',
    },
    testnet: {
      chain: 'BTC',
      network: 'testnet',
      bech32: 'tb',
      pubKeyHash: 0x6f,
      scriptHash: 0xc4,
      wif: 0xef,
      uriScheme: 'bitcoin',
    },
    regtest: {
      chain: 'BTC',
      network: 'regtest',
      bech32: 'bcrt',
      pubKeyHash: 0x6f,
      scriptHash: 0xc4,
      wif: 0xef,
      uriScheme: 'bitcoin',
    },
  },
  LTC: {
    mainnet: {
      chain: 'LTC',
      network: 'mainnet',
      bech32: 'ltc',
      pubKeyHash: 0x30,
      scriptHash: 0x32,
      legacyScriptHash: 0x05,
      wif: 0xb0,
      uriScheme: 'litecoin',
    },
    testnet: {
      chain: 'LTC',
      network: 'testnet',
      bech32: 'tltc',
      pubKeyHash: 0x6f,
      scriptHash: 0x3a,
      legacyScriptHash: 0xc4,
      wif: 0xef,
      uriScheme: 'litecoin',
    },
    regtest: {
      chain: 'LTC',
      network: 'regtest',
      bech32: 'rltc',
      pubKeyHash: 0x6f,
      scriptHash: 0x3a,
      legacyScriptHash: 0xc4,
      wif: 0xef,
      uriScheme: 'litecoin',
    },
  },
};

export function utxoNetwork(chain: string, network: NetworkName): UtxoNetwork {
  if (chain !== 'BTC' && chain !== 'LTC') throw new Error(`${chain} is not a Bitcoin-like chain`);
  return NETWORKS[chain][network];
}

export interface ExtendedKeyVersion {
  readonly prefix: string;
  /** Null for the generic xpub/tpub/Ltub/ttub: the script type comes from settings (P2WPKH by default). */
  readonly scriptType: ScriptType | null;
  readonly mainnet: boolean;
  /** Chains whose wallets use this prefix; undefined for both. */
  readonly chain?: UtxoChain;
  readonly isPrivate: boolean;
}

/** SLIP-132 version bytes of extended keys Kassa understands (private ones only to reject them clearly). */
export const EXTENDED_KEY_VERSIONS: ReadonlyMap<number, ExtendedKeyVersion> = new Map<
  number,
  ExtendedKeyVersion
>([
  [0x0488b21e, { prefix: 'xpub', scriptType: null, mainnet: true, isPrivate: false }],
  [0x049d7cb2, { prefix: 'ypub', scriptType: 'p2sh-p2wpkh', mainnet: true, isPrivate: false }],
  [0x04b24746, { prefix: 'zpub', scriptType: 'p2wpkh', mainnet: true, isPrivate: false }],
  [0x043587cf, { prefix: 'tpub', scriptType: null, mainnet: false, isPrivate: false }],
  [0x044a5262, { prefix: 'upub', scriptType: 'p2sh-p2wpkh', mainnet: false, isPrivate: false }],
  [0x045f1cf6, { prefix: 'vpub', scriptType: 'p2wpkh', mainnet: false, isPrivate: false }],
  [0x019da462, { prefix: 'Ltub', scriptType: null, mainnet: true, chain: 'LTC', isPrivate: false }],
  [
    0x01b26ef6,
    { prefix: 'Mtub', scriptType: 'p2sh-p2wpkh', mainnet: true, chain: 'LTC', isPrivate: false },
  ],
  [
    0x0436f6e1,
    { prefix: 'ttub', scriptType: null, mainnet: false, chain: 'LTC', isPrivate: false },
  ],
  [0x0488ade4, { prefix: 'xprv', scriptType: null, mainnet: true, isPrivate: true }],
  [0x049d7878, { prefix: 'yprv', scriptType: null, mainnet: true, isPrivate: true }],
  [0x04b2430c, { prefix: 'zprv', scriptType: null, mainnet: true, isPrivate: true }],
  [0x04358394, { prefix: 'tprv', scriptType: null, mainnet: false, isPrivate: true }],
  [0x044a4e28, { prefix: 'uprv', scriptType: null, mainnet: false, isPrivate: true }],
  [0x045f18bc, { prefix: 'vprv', scriptType: null, mainnet: false, isPrivate: true }],
  [0x019d9cfe, { prefix: 'Ltpv', scriptType: null, mainnet: true, chain: 'LTC', isPrivate: true }],
  [0x01b26792, { prefix: 'Mtpv', scriptType: null, mainnet: true, chain: 'LTC', isPrivate: true }],
  [0x0436ef7d, { prefix: 'ttpv', scriptType: null, mainnet: false, chain: 'LTC', isPrivate: true }],
]);
