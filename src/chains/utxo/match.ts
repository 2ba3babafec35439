/**
 * Matching outputs against the watch list: one set lookup per output, no I/O,
 * so the cost of a block is measurable apart from the RPC (bench/utxo-match.ts).
 */
import type { ObservedTransfer, WatchList } from '../../app/ports/chain.js';
import { coinsToUnits } from './exact-json.js';
import type { NodeTx } from './node-types.js';

/** BIP125: an input with nSequence below 0xfffffffe makes the transaction replaceable. */
const MAX_BIP125_RBF_SEQUENCE = 0xfffffffd;

export function signalsRbf(tx: NodeTx): boolean {
  return tx.vin.some((i) => i.coinbase === undefined && i.sequence <= MAX_BIP125_RBF_SEQUENCE);
}

/** The address the node printed for an output, when it pays exactly one. */
export function outputAddress(
  scriptPubKey: NodeTx['vout'][number]['scriptPubKey'],
): string | undefined {
  if (scriptPubKey.address !== undefined) return scriptPubKey.address;
  const list = scriptPubKey.addresses;
  return list && list.length === 1 ? list[0] : undefined;
}

/** Outpoints ("txid:vout") a transaction spends; coinbase and MWEB inputs have none. */
export function spentOutpoints(tx: NodeTx): string[] {
  const out: string[] = [];
  for (const i of tx.vin)
    if (i.txid !== undefined && i.vout !== undefined) out.push(`${i.txid}:${i.vout}`);
  return out;
}

/** Transfers of `tx` to watched addresses; `block` is null for mempool transactions. */
export function matchTransaction(
  tx: NodeTx,
  chain: string,
  watchList: WatchList,
  block: { hash: string; height: number } | null,
  decimals = 8,
): ObservedTransfer[] {
  let found: ObservedTransfer[] | undefined;
  for (const output of tx.vout) {
    const address = outputAddress(output.scriptPubKey);
    if (address === undefined) continue;
    const watched = watchList.lookup(chain, address);
    if (!watched) continue;
    (found ??= []).push({
      chain,
      txid: tx.txid,
      index: output.n,
      address,
      currency: watched.currency,
      amount: coinsToUnits(output.value, decimals),
      blockHash: block?.hash ?? null,
      blockHeight: block?.height ?? null,
      rbf: signalsRbf(tx),
    });
  }
  return found ?? [];
}

/** Every watched transfer of a block, in block order. */
export function matchBlock(
  txs: readonly NodeTx[],
  chain: string,
  watchList: WatchList,
  block: { hash: string; height: number },
  decimals = 8,
): ObservedTransfer[] {
  const out: ObservedTransfer[] = [];
  for (const tx of txs) {
    const found = matchTransaction(tx, chain, watchList, block, decimals);
    if (found.length) out.push(...found);
  }
  return out;
}
