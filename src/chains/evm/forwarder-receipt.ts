/** Reads a mined collect transaction: the factory's Collected logs and the token transfers. */
import {
  decodeEventLog,
  erc20Abi,
  getAddress,
  type Hex,
  type Log,
  type TransactionReceipt,
} from 'viem';
import type { ObservedCollect } from '../../app/ports/collections.js';
import { FORWARDER_FACTORY_ABI } from './forwarder-artifact.js';
import { forwarderAddress } from './forwarder.js';

/** The deposit addresses of a Collected log's packed 8-byte salts. */
export function sweptAddresses(factory: string, treasury: string, salts: Hex): string[] {
  const out: string[] = [];
  for (let at = 2; at + 16 <= salts.length; at += 16) {
    out.push(
      forwarderAddress({
        factory: getAddress(factory),
        treasury: getAddress(treasury),
        salt: `0x${salts.slice(at, at + 16).padStart(64, '0')}`,
      }),
    );
  }
  return out;
}

const ETH_CHAIN = 'ETH';

export function observedCollect(
  receipt: Pick<
    TransactionReceipt,
    | 'transactionHash'
    | 'from'
    | 'blockNumber'
    | 'blockHash'
    | 'gasUsed'
    | 'effectiveGasPrice'
    | 'status'
  > & { logs: readonly Log[] },
  factory: string,
  blockTxids: readonly string[],
): ObservedCollect {
  const sweeps: { treasury: string; deposit: string }[] = [];
  const tokenTransfers: { token: string; from: string; to: string; amount: bigint }[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() === factory.toLowerCase()) {
      try {
        const ev = decodeEventLog({
          abi: FORWARDER_FACTORY_ABI,
          data: log.data,
          topics: log.topics,
        });
        if (ev.eventName === 'Collected') {
          const treasury = getAddress(ev.args.treasury);
          for (const deposit of sweptAddresses(log.address, treasury, ev.args.salts)) {
            sweeps.push({ treasury, deposit });
          }
        }
      } catch {
        /* not a Collected log */
      }
      continue;
    }
    try {
      const ev = decodeEventLog({ abi: erc20Abi, data: log.data, topics: log.topics });
      if (ev.eventName === 'Transfer') {
        tokenTransfers.push({
          token: getAddress(log.address),
          from: getAddress(ev.args.from),
          to: getAddress(ev.args.to),
          amount: ev.args.value,
        });
      }
    } catch {
      /* not an ERC-20 Transfer */
    }
  }
  return {
    chain: ETH_CHAIN,
    txid: receipt.transactionHash,
    factory: getAddress(factory),
    sender: getAddress(receipt.from),
    blockHeight: Number(receipt.blockNumber),
    blockHash: receipt.blockHash,
    gasUsed: receipt.gasUsed,
    gasPrice: receipt.effectiveGasPrice,
    succeeded: receipt.status === 'success',
    blockTxids,
    sweeps,
    tokenTransfers,
  };
}
