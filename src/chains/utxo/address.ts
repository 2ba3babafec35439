/** Addresses of derived public keys, and address validation, per chain and network. */
// payment.js alone: the package index also loads transactions, PSBT signing and MuSig2.
import { Address, p2pkh, p2sh, p2wpkh } from '@scure/btc-signer/payment.js';
import type { BTC_NETWORK } from '@scure/btc-signer/utils.js';
import type { ScriptType, UtxoNetwork } from './networks.js';

function signerNetwork(net: UtxoNetwork, scriptHash = net.scriptHash): BTC_NETWORK {
  return { bech32: net.bech32, pubKeyHash: net.pubKeyHash, scriptHash, wif: net.wif };
}

/** The address paying `publicKey` (33-byte compressed) with `type`, printed as the node prints it. */
export function encodeAddress(publicKey: Uint8Array, type: ScriptType, net: UtxoNetwork): string {
  const n = signerNetwork(net);
  const payment =
    type === 'p2wpkh'
      ? p2wpkh(publicKey, n)
      : type === 'p2pkh'
        ? p2pkh(publicKey, n)
        : p2sh(p2wpkh(publicKey, n), n);
  if (!payment.address) throw new Error('address encoding failed');
  return payment.address;
}

/** Whether `address` is a well-formed address of `net` (any standard output type, checksum verified). */
export function isAddressOf(address: string, net: UtxoNetwork): boolean {
  if (address.length < 14 || address.length > 90) return false;
  const candidates = [signerNetwork(net)];
  if (net.legacyScriptHash !== undefined) candidates.push(signerNetwork(net, net.legacyScriptHash));
  for (const n of candidates) {
    try {
      if (Address(n).decode(address)) return true;
    } catch {
      // try the next version set
    }
  }
  return false;
}
