/**
 * Reads a bounded range of blocks and turns what pays a watched address into
 * ObservedTransfers: ERC-20 Transfer logs of the configured contracts (one
 * eth_getLogs for the whole range, whatever the number of open addresses) and
 * plain ETH transactions found in the blocks themselves.
 */
import { getAddress } from 'viem';
import type { ObservedTransfer, WatchList } from '../../app/ports/chain.js';
import { isRangeLimitError, type EvmRpc, type Hex, type RpcBlock, type RpcLog } from './rpc.js';

export const ETH_CHAIN = 'ETH';
/** keccak256("Transfer(address,address,uint256)") */
export const TRANSFER_TOPIC: Hex =
  '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const SUCCESS = '0x1';

/** The node's answers contradict each other: the chain moved while we read it. Retry. */
export class ChainMovedError extends Error {
  constructor(message: string) {
    super(`chain changed while reading: ${message}`);
    this.name = 'ChainMovedError';
  }
}

export interface ScannedBlock {
  readonly height: number;
  readonly hash: string;
  readonly parentHash: string;
}

export interface ScannedRange {
  readonly blocks: readonly ScannedBlock[];
  /** In chain order; each block's transfers before the next block's. */
  readonly transfers: readonly ObservedTransfer[];
}

export interface ScanContext {
  readonly rpc: EvmRpc;
  readonly watchList: WatchList;
  /** Lower-case contract address -> currency code. */
  readonly tokens: ReadonlyMap<string, string>;
}

export async function scanRange(ctx: ScanContext, from: number, to: number): Promise<ScannedRange> {
  const addresses = [...ctx.tokens.keys()] as Hex[];
  const [rawBlocks, logs] = await Promise.all([
    ctx.rpc.blocks(from, to),
    addresses.length > 0 ? logsSplittingRange(ctx.rpc, from, to, addresses) : Promise.resolve([]),
  ]);
  const blocks = checkLinked(rawBlocks, from);
  const hashAt = (height: number) => blocks[height - from]?.hash;

  const transfers: ObservedTransfer[] = [];
  for (const log of logs) {
    if (log.removed) continue;
    const height = Number(log.blockNumber);
    if (hashAt(height) !== log.blockHash)
      throw new ChainMovedError(`log in unknown block ${log.blockHash}`);
    const transfer = tokenTransfer(ctx, log, height);
    if (transfer) transfers.push(transfer);
  }
  transfers.push(...(await etherTransfers(ctx, rawBlocks as RpcBlock[])));
  transfers.sort((a, b) => (a.blockHeight ?? 0) - (b.blockHeight ?? 0) || a.index - b.index);
  return { blocks, transfers };
}

function checkLinked(raw: readonly (RpcBlock | null)[], from: number): ScannedBlock[] {
  const blocks: ScannedBlock[] = [];
  for (const [i, b] of raw.entries()) {
    if (!b) throw new ChainMovedError(`block ${from + i} vanished`);
    const prev = blocks[i - 1];
    if (prev && b.parentHash !== prev.hash)
      throw new ChainMovedError(`block ${from + i} does not extend ${prev.hash}`);
    blocks.push({ height: Number(b.number), hash: b.hash, parentHash: b.parentHash });
  }
  return blocks;
}

/** eth_getLogs over from..to; halves the range while the provider says it is too large. */
async function logsSplittingRange(
  rpc: EvmRpc,
  from: number,
  to: number,
  addresses: Hex[],
): Promise<RpcLog[]> {
  try {
    return await rpc.logs({ fromBlock: from, toBlock: to, addresses, topics: [TRANSFER_TOPIC] });
  } catch (err) {
    if (from === to || !isRangeLimitError(err)) throw err;
    const mid = Math.floor((from + to) / 2);
    const first = await logsSplittingRange(rpc, from, mid, addresses);
    const second = await logsSplittingRange(rpc, mid + 1, to, addresses);
    return first.concat(second);
  }
}

function tokenTransfer(ctx: ScanContext, log: RpcLog, height: number): ObservedTransfer | null {
  // ERC-721 Transfer shares the topic but indexes the token id (4 topics, no data).
  const toTopic = log.topics[2];
  if (log.topics.length !== 3 || !toTopic || log.data.length !== 66) return null;
  const currency = ctx.tokens.get(log.address.toLowerCase());
  if (!currency) return null;
  const to = `0x${toTopic.slice(26)}`;
  if (!ctx.watchList.lookup(ETH_CHAIN, to)) return null;
  const amount = BigInt(log.data);
  if (amount === 0n) return null;
  return {
    chain: ETH_CHAIN,
    txid: log.transactionHash,
    index: Number(log.logIndex),
    address: getAddress(to),
    currency,
    amount,
    blockHash: log.blockHash,
    blockHeight: height,
  };
}

/** Plain ETH sends to watched addresses, counted only when the transaction succeeded. */
async function etherTransfers(
  ctx: ScanContext,
  blocks: readonly RpcBlock[],
): Promise<ObservedTransfer[]> {
  const candidates: { block: RpcBlock; to: string; value: bigint; hash: Hex }[] = [];
  for (const block of blocks) {
    for (const tx of block.transactions) {
      if (!tx.to || tx.value === '0x0' || !ctx.watchList.lookup(ETH_CHAIN, tx.to)) continue;
      candidates.push({ block, to: tx.to, value: BigInt(tx.value), hash: tx.hash });
    }
  }
  if (candidates.length === 0) return [];
  const receipts = await ctx.rpc.receipts(candidates.map((c) => c.hash));
  const transfers: ObservedTransfer[] = [];
  for (const [i, c] of candidates.entries()) {
    const receipt = receipts[i];
    if (!receipt || receipt.blockHash !== c.block.hash)
      throw new ChainMovedError(`receipt of ${c.hash} moved`);
    if (receipt.status !== SUCCESS) continue;
    transfers.push({
      chain: ETH_CHAIN,
      txid: c.hash,
      index: -1,
      address: getAddress(c.to),
      currency: 'ETH',
      amount: c.value,
      blockHash: c.block.hash,
      blockHeight: Number(c.block.number),
    });
  }
  return transfers;
}
