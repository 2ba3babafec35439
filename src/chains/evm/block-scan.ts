/**
 * Reads a bounded range of blocks and turns what pays a watched address into
 * ObservedTransfers: ERC-20 Transfer logs of the configured contracts (one
 * eth_getLogs for the whole range, whatever the number of open addresses),
 * plain ETH transactions found in the blocks themselves, and ETH that arrived
 * by internal calls (a contract wallet, an exchange's batching contract), seen
 * as balance growth that no plain transaction explains.
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
  /**
   * Watched addresses' balances at the end of the last range read (lower-case address),
   * so a node is asked once per address and range. Without it, internal ETH is not looked for.
   */
  readonly balances?: Map<string, { blockHash: string; wei: bigint }>;
  /** The node could not answer balances for a range (state pruned): internal ETH there is missed. */
  readonly onBalanceError?: (err: unknown, from: number, to: number) => void;
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
  const plain = await etherTransfers(ctx, rawBlocks as RpcBlock[]);
  transfers.push(...plain);
  transfers.push(...(await internalEther(ctx, blocks, plain)));
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

/** Node answers meaning "that block's state is gone" (a pruned full node), not "unreachable". */
const STATE_GONE =
  /missing trie node|state.*(not available|unavailable|pruned)|historical state|header not found|unknown block/i;

/**
 * ETH that reached watched addresses without a plain transaction: per address, the balance
 * growth over the range beyond its plain ETH payments, located block by block. One
 * eth_getBalance per watched address per range (the range's start comes from the previous
 * range), plus one per block for an address whose balance moved unexplained. ETH arriving in
 * the same block as a spend from that address (or a collect sweeping it) nets out and is missed.
 */
async function internalEther(
  ctx: ScanContext,
  blocks: readonly ScannedBlock[],
  plain: readonly ObservedTransfer[],
): Promise<ObservedTransfer[]> {
  const cache = ctx.balances;
  const first = blocks[0];
  const last = blocks[blocks.length - 1];
  if (!cache || !first || !last || !ctx.watchList.addresses) return [];
  const addresses = [
    ...new Set([...ctx.watchList.addresses(ETH_CHAIN)].map((w) => w.address.toLowerCase())),
  ];
  if (addresses.length === 0) return [];
  const plainIn = new Map<string, bigint>();
  for (const t of plain) {
    const key = `${t.address.toLowerCase()}@${t.blockHeight}`;
    plainIn.set(key, (plainIn.get(key) ?? 0n) + t.amount);
  }
  const sumPlain = (a: string, fromH: number, toH: number) => {
    let sum = 0n;
    for (let h = fromH; h <= toH; h++) sum += plainIn.get(`${a}@${h}`) ?? 0n;
    return sum;
  };
  try {
    const missing = addresses.filter((a) => cache.get(a)?.blockHash !== first.parentHash);
    const start = new Map(addresses.map((a) => [a, cache.get(a)?.wei ?? 0n]));
    const read = await ctx.rpc.balances(missing, first.parentHash as Hex);
    missing.forEach((a, i) => start.set(a, read[i]!));
    const end = await ctx.rpc.balances(addresses, last.hash as Hex);
    const moved: string[] = [];
    addresses.forEach((a, i) => {
      if (end[i]! - start.get(a)! !== sumPlain(a, first.height, last.height)) moved.push(a);
    });
    const out: ObservedTransfer[] = [];
    for (const a of moved) {
      // Block by block: what each block added beyond its plain payments.
      let before = start.get(a)!;
      for (const b of blocks) {
        const [wei] =
          b === last ? [end[addresses.indexOf(a)]!] : await ctx.rpc.balances([a], b.hash as Hex);
        const extra = wei! - before - (plainIn.get(`${a}@${b.height}`) ?? 0n);
        before = wei!;
        if (extra <= 0n) continue;
        out.push({
          chain: ETH_CHAIN,
          // No transaction to name without a trace API: the block stands in, one entry per address.
          txid: b.hash,
          index: internalIndex(a),
          address: getAddress(a),
          currency: 'ETH',
          amount: extra,
          blockHash: b.hash,
          blockHeight: b.height,
        });
      }
    }
    cache.clear();
    addresses.forEach((a, i) => cache.set(a, { blockHash: last.hash, wei: end[i]! }));
    return out;
  } catch (err) {
    if (!STATE_GONE.test(errorText(err))) throw err;
    cache.clear();
    ctx.onBalanceError?.(err, first.height, last.height);
    return [];
  }
}

/** A stable, negative payment index per address for its internal ETH in a block (plain ETH is -1). */
export function internalIndex(address: string): number {
  return -2 - Number.parseInt(address.slice(2, 9), 16);
}

function errorText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 8; depth++) {
    const { details, message, cause } = e as {
      details?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof details === 'string') parts.push(details);
    if (typeof message === 'string') parts.push(message);
    e = cause;
  }
  return parts.join(' ');
}
