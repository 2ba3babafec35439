/** Reads a mined collect transaction: the factory's Collected logs and the token transfers. */
import { decodeEventLog, erc20Abi, getAddress, type Log, type TransactionReceipt } from 'viem';
import type { ObservedCollect } from '../../app/ports/collections.js';
import { FORWARDER_FACTORY_ABI } from './forwarder-artifact.js';

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
          sweeps.push({
            treasury: getAddress(ev.args.treasury),
            deposit: getAddress(ev.args.deposit),
          });
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
    sweeps,
    tokenTransfers,
  };
}
