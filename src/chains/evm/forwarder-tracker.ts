/**
 * Follows the chain for collect transactions, whoever sent them (Kassa's
 * collector key, the merchant's wallet, anyone): each block's Collected logs
 * become recorded collections, and blocks that leave the chain take their
 * collections with them, so those payments count as uncollected again.
 */
import { createPublicClient, getAbiItem, http, type Hex, type PublicClient } from 'viem';
import type {
  ChainCursorStore,
  ChainWatcher,
  WatcherHealth,
  WatcherLogger,
} from '../../app/ports/chain.js';
import { systemClock, type Clock } from '../../app/ports/clock.js';
import { Loop } from '../../app/loop.js';
import type { ObservedCollect } from '../../app/ports/collections.js';
import { FORWARDER_FACTORY_ABI } from './forwarder-artifact.js';
import { observedCollect } from './forwarder-receipt.js';

export const COLLECT_CURSOR = 'ETH-collect';
const COLLECTED = getAbiItem({ abi: FORWARDER_FACTORY_ABI, name: 'Collected' });

export interface CollectSink {
  recordCollect(c: ObservedCollect): Promise<unknown>;
  blocksDisconnected(chain: string, fromHeight: number): Promise<void>;
  rangeScanned(chain: string, from: number, to: number, txids: readonly string[]): Promise<void>;
}

export class ForwarderCollectTracker implements ChainWatcher {
  readonly chain = COLLECT_CURSOR;
  private readonly client: PublicClient;
  private readonly loop: Loop;
  private readonly clock: Clock;
  private height: number | null = null;
  private nodeHeight: number | null = null;
  private lastError: string | null = null;
  private lastProgressAt: number | null = null;
  private reachable = false;

  constructor(
    private readonly o: {
      rpcUrl: string;
      cursor: ChainCursorStore;
      sink: CollectSink;
      pollMs: number;
      batchBlocks?: number;
      logger?: WatcherLogger;
      clock?: Clock;
    },
  ) {
    this.client = createPublicClient({
      transport: http(o.rpcUrl, { timeout: 15_000, retryCount: 0 }),
    });
    this.clock = o.clock ?? systemClock;
    this.loop = new Loop({
      intervalMs: o.pollMs,
      maxBackoffMs: 30_000,
      clock: this.clock,
      round: () => this.round(),
      onSuccess: () => {
        this.reachable = true;
        this.lastError = null;
      },
      onFailure: (err) => {
        this.reachable = false;
        this.lastError = (err as Error).message;
        o.logger?.warn({ err: this.lastError }, 'collect tracker round failed');
      },
    });
  }

  async start(): Promise<void> {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  notifyBlock(): void {
    this.loop.wake();
  }

  health(): WatcherHealth {
    return {
      chain: this.chain,
      running: this.loop.isRunning,
      nodeReachable: this.reachable,
      height: this.height,
      nodeHeight: this.nodeHeight,
      lastError: this.lastError,
      lastProgressAt: this.lastProgressAt,
    };
  }

  private async blockRef(height: number) {
    const b = await this.client.getBlock({ blockNumber: BigInt(height) });
    return { height, hash: b.hash as string, parentHash: b.parentHash as string };
  }

  /** One step: undo a reorg, or scan the next range of blocks for collect transactions. */
  async round(): Promise<{ more: boolean }> {
    const { cursor, sink } = this.o;
    const head = Number(await this.client.getBlockNumber({ cacheTime: 0 }));
    this.nodeHeight = head;
    const at = await cursor.load(COLLECT_CURSOR);
    if (!at) {
      // Collections can only follow payments Kassa saw; start at the head.
      await cursor.advance(COLLECT_CURSOR, await this.blockRef(head));
      this.height = head;
      return { more: false };
    }
    if (at.height > head || (await this.blockRef(at.height)).hash !== at.hash) {
      let fork = Math.min(at.height, head);
      while (fork > 0) {
        const stored = await cursor.hashAt(COLLECT_CURSOR, fork - 1);
        if (stored === null || stored === (await this.blockRef(fork - 1)).hash) break;
        fork--;
      }
      this.o.logger?.warn({ fromHeight: fork }, 'collect transactions reorganised away');
      await sink.blocksDisconnected('ETH', fork);
      await cursor.rewind(COLLECT_CURSOR, fork);
      const back = await cursor.load(COLLECT_CURSOR);
      if (!back) await cursor.advance(COLLECT_CURSOR, await this.blockRef(fork - 1));
      return { more: true };
    }
    if (at.height >= head) return { more: false };
    const from = at.height + 1;
    const to = Math.min(head, from + (this.o.batchBlocks ?? 500) - 1);
    const endBefore = await this.blockRef(to);
    const logs = await this.client.getLogs({
      fromBlock: BigInt(from),
      toBlock: BigInt(to),
      // No address filter: a collect counts only where the log's address is the
      // factory of the paid project's wallet, which the use case checks.
      event: COLLECTED,
    });
    const txs = new Map<string, string>();
    for (const l of logs) if (l.transactionHash) txs.set(l.transactionHash, l.address);
    for (const [hash, factory] of txs) {
      const receipt = await this.client.getTransactionReceipt({ hash: hash as Hex });
      const block = await this.client.getBlock({ blockHash: receipt.blockHash });
      await sink.recordCollect(observedCollect(receipt, factory, block.transactions));
    }
    const end = await this.blockRef(to);
    // The range changed under us (a reorg while reading): read it again.
    if (end.hash !== endBefore.hash) return { more: true };
    await sink.rangeScanned('ETH', from, to, [...txs.keys()]);
    await cursor.advance(COLLECT_CURSOR, end);
    await cursor.prune(COLLECT_CURSOR, to - 1000);
    this.height = to;
    this.lastProgressAt = this.clock.now();
    return { more: to < head };
  }
}
