/**
 * One block as the watcher consumes it: its header and every credit in it,
 * read from the block and, when it holds contract calls, its receipts.
 */
import type { TronBlock } from './api-types.js';
import type { TronApi } from './api.js';
import {
  blockHeader,
  tokenCredits,
  trxCredits,
  type BlockHeader,
  type TronCredit,
} from './transfers.js';

export interface BlockCredits {
  readonly header: BlockHeader;
  readonly credits: TronCredit[];
  /** Expiration (ms) of the credited transactions. */
  readonly expirations: ReadonlyMap<string, number>;
}

export type TronNode = Pick<
  TronApi,
  'getNowBlock' | 'getBlockByNum' | 'getTransactionInfoByBlockNum'
>;

/**
 * The block at `height` (or `known`, already fetched) with its credits;
 * null when the node does not have it. `tokens` maps 20-byte contract hex to currency code.
 */
export async function fetchBlockCredits(
  api: TronNode,
  height: number,
  known: TronBlock | null,
  tokens: ReadonlyMap<string, string>,
  signal?: AbortSignal,
): Promise<BlockCredits | null> {
  const block = known ?? (await api.getBlockByNum(height, signal));
  if (!block) return null;
  const header = blockHeader(block);
  const credits = trxCredits(block);
  const txs = block.transactions ?? [];
  // TRC-20 transfers only come from contract calls; skip the receipts of blocks without any.
  if (
    tokens.size > 0 &&
    txs.some((tx) => tx.raw_data.contract[0]?.type === 'TriggerSmartContract')
  ) {
    const infos = await api.getTransactionInfoByBlockNum(height, signal);
    const ids = new Set(txs.map((tx) => tx.txID));
    // Receipts fetched by number may come from another fork than the block: refuse to mix them.
    if (infos.some((info) => !ids.has(info.id))) {
      throw new Error(`receipts of block ${height} do not match block ${header.hash}`);
    }
    credits.push(...tokenCredits(infos, tokens));
  }
  const credited = new Set(credits.map((c) => c.txid));
  const expirations = new Map<string, number>();
  for (const tx of txs) {
    if (credited.has(tx.txID)) expirations.set(tx.txID, tx.raw_data.expiration ?? 0);
  }
  return { header, credits, expirations };
}
