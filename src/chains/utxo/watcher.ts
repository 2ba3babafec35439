/**
 * Follows a Bitcoin-Core-compatible node and reports every payment to a
 * watched address: mempool first (pending), then each block in order from a
 * durable cursor (confirmations), rolling back orphaned blocks on a reorg and
 * reporting unconfirmed payments that were replaced or dropped.
 */
import type {
  BlockRef,
  NetworkName,
  ChainCursorStore,
  ChainWatcher,
  PaymentLedger,
  WatcherHealth,
  WatcherLogger,
  WatchList,
} from '../../app/ports/chain.js';
import { silentLogger } from '../../app/ports/chain.js';
import { systemClock, type Clock } from '../../app/ports/clock.js';
import { Loop } from '../../app/loop.js';
import { matchTransaction, spentOutpoints } from './match.js';
import { MempoolTracker } from './mempool.js';
import { assertNodeNetwork, findForkPoint } from './node-checks.js';
import type { NodeBlock, NodeBlockHeader, NodeTx } from './node-types.js';
import { RpcError, RpcUnavailableError, RPC_INVALID_ADDRESS_OR_KEY, type UtxoRpc } from './rpc.js';

export interface UtxoWatcherOptions {
  readonly chain: 'BTC' | 'LTC';
  /** Currency code reported when a watched address does not name one. */
  readonly currency: string;
  readonly rpc: UtxoRpc;
  readonly ledger: PaymentLedger;
  readonly watchList: WatchList;
  readonly cursor: ChainCursorStore;
  readonly pollMs: number;
  readonly logger?: WatcherLogger;
  readonly clock?: Clock;
  /** First block to scan when there is no cursor yet; the node's tip when absent. */
  readonly startHeight?: number;
  /** Blocks processed per catch-up round before the mempool gets a turn. */
  readonly blockBatch?: number;
  /** Mempool transactions fetched per round. */
  readonly mempoolBatch?: number;
  readonly maxBackoffMs?: number;
  /** Block hashes kept for reorg detection. */
  readonly keepBlocks?: number;
  /**
   * The network the wallet keys are for; the watcher refuses a node on
   * another one, where no derived address could ever be paid.
   */
  readonly network?: NetworkName;
}

export class UtxoWatcher implements ChainWatcher {
  readonly chain: string;
  private readonly log: WatcherLogger;
  private readonly mempool = new MempoolTracker();
  private readonly loop: Loop;
  private readonly clock: Clock;
  private tip: BlockRef | null = null;
  private tipLoaded = false;
  private pendingLoaded = false;
  private networkChecked = false;
  private nodeReachable = false;
  private nodeHeight: number | null = null;
  private lastError: string | null = null;
  private lastProgressAt: number | null = null;

  constructor(private readonly o: UtxoWatcherOptions) {
    this.chain = o.chain;
    this.log = o.logger ?? silentLogger;
    this.clock = o.clock ?? systemClock;
    this.loop = new Loop({
      intervalMs: o.pollMs,
      maxBackoffMs: o.maxBackoffMs ?? 30_000,
      round: () => this.poll(),
      clock: this.clock,
      onSuccess: () => {
        if (!this.nodeReachable) this.log.info({ chain: this.chain }, 'node reachable');
        this.nodeReachable = true;
        this.lastError = null;
      },
      onFailure: (err, retryInMs) => {
        if (err instanceof RpcUnavailableError) this.nodeReachable = false;
        this.lastError = (err as Error).message;
        this.log.warn(
          { chain: this.chain, err: this.lastError, retryInMs },
          'watcher round failed',
        );
      },
    });
  }

  async start(): Promise<void> {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** A new block was announced (the node's -blocknotify): poll now instead of at the next interval. */
  notifyBlock(): void {
    this.loop.wake();
  }

  health(): WatcherHealth {
    return {
      chain: this.chain,
      running: this.loop.isRunning,
      nodeReachable: this.nodeReachable,
      height: this.tip?.height ?? null,
      nodeHeight: this.nodeHeight,
      lastError: this.lastError,
      lastProgressAt: this.lastProgressAt,
    };
  }

  /** One round: blocks up to the node's tip (bounded), then the mempool. Not concurrently with start(). */
  async poll(): Promise<{ more: boolean }> {
    if (!this.networkChecked) {
      if (this.o.network) await assertNodeNetwork(this.o.rpc, this.chain, this.o.network);
      this.networkChecked = true;
    }
    // The mempool is listed before the tip is read, so a transaction missing
    // from this list was either mined into a block processed below or dropped.
    const [mempool, best] = await this.o.rpc.batchStrict<unknown>([
      { method: 'getrawmempool' },
      { method: 'getbestblockhash' },
    ]);
    // Refreshed after the node was asked: every transaction listed above pays
    // addresses handed out before it was sent, so they are all in the list now.
    await this.o.watchList.refresh();
    const caughtUp = await this.syncBlocks(best as string);
    if (!caughtUp) return { more: true };
    if (!this.pendingLoaded) {
      // Payments recorded unconfirmed before a restart (in the mempool, or
      // their block orphaned): one that left the mempool while Kassa was down
      // is still reported dropped. Their inputs are unknown here; a block
      // spending them elsewhere shows as their absence from the mempool.
      for (const { txid } of await this.o.ledger.unminedTransactions(this.chain))
        this.mempool.track(txid, []);
      this.pendingLoaded = true;
    }
    const backlog = await this.syncMempool(mempool as string[]);
    return { more: backlog };
  }

  /** Processes blocks after the cursor up to `best`, at most one batch; true when caught up. */
  private async syncBlocks(best: string): Promise<boolean> {
    if (!this.tipLoaded) {
      this.tip = await this.o.cursor.load(this.chain);
      this.tipLoaded = true;
    }
    if (this.tip?.hash === best) {
      this.nodeHeight = this.tip.height;
      return true;
    }
    const bestHeader = await this.header(best);
    if (!bestHeader) return false; // reorganised while we asked; next round
    this.nodeHeight = bestHeader.height;
    let rewound = false;
    if (this.tip) {
      const ours = await this.header(this.tip.hash);
      if (!ours || ours.confirmations < 0) rewound = await this.rewindToFork();
    }
    let next = this.tip ? this.tip.height + 1 : (this.o.startHeight ?? bestHeader.height);
    const last = Math.min(bestHeader.height, next + (this.o.blockBatch ?? 50) - 1);
    if (next > last) {
      // The chain got shorter: no new block will report the lower tip, so
      // payments below the fork lose their confirmations now.
      if (rewound && this.tip) await this.o.ledger.tipChanged(this.chain, this.tip.height);
      return true;
    }
    const heights = Array.from({ length: last - next + 1 }, (_, i) => next + i);
    const hashes = await this.o.rpc.batchStrict<string>(
      heights.map((h) => ({ method: 'getblockhash', params: [h] })),
    );
    for (const hash of hashes) {
      const block = await this.o.rpc.call<NodeBlock>('getblock', [hash, 2]);
      if (this.tip && block.previousblockhash !== this.tip.hash) return false; // reorg under our feet
      await this.connectBlock(block);
      next += 1;
    }
    return last >= bestHeader.height;
  }

  private async connectBlock(block: NodeBlock): Promise<void> {
    const ref = { hash: block.hash, height: block.height };
    const dropped = new Set<string>();
    for (const tx of block.tx) {
      for (const t of matchTransaction(tx, this.chain, this.o.watchList, ref)) {
        await this.o.ledger.recordTransfer({ ...t, currency: t.currency || this.o.currency });
      }
      this.mempool.forget(tx.txid);
      for (const other of this.mempool.conflictsWith(tx.txid, spentOutpoints(tx)))
        dropped.add(other);
    }
    for (const txid of dropped)
      await this.drop(txid, `double-spent by a transaction in block ${block.height}`);
    await this.o.cursor.advance(this.chain, {
      ...ref,
      parentHash: block.previousblockhash ?? null,
    });
    this.tip = ref;
    await this.o.ledger.tipChanged(this.chain, block.height);
    this.lastProgressAt = this.clock.now();
    const keep = this.o.keepBlocks ?? 1000;
    if (block.height % 100 === 0 && block.height > keep)
      await this.o.cursor.prune(this.chain, block.height - keep);
  }

  /**
   * Our tip left the node's active chain: walk back through the stored hashes
   * to the last block both agree on, roll back everything above it, and keep
   * an eye on the orphaned payments (they may come back, confirm again, or
   * never return).
   */
  private async rewindToFork(): Promise<boolean> {
    const tip = this.tip;
    if (!tip) return false;
    const { height, orphaned } = await findForkPoint(
      this.o.rpc,
      this.o.cursor,
      this.chain,
      tip.height,
    );
    for (const hash of orphaned) {
      const block = await this.o.rpc.call<NodeBlock>('getblock', [hash, 2]).catch(() => null);
      for (const tx of block?.tx ?? []) {
        if (matchTransaction(tx, this.chain, this.o.watchList, null).length > 0) {
          this.mempool.track(tx.txid, spentOutpoints(tx));
        }
      }
    }
    this.log.warn(
      { chain: this.chain, from: tip.height, forkHeight: height, orphaned: orphaned.length },
      'chain reorganisation',
    );
    await this.o.ledger.blocksDisconnected(this.chain, height + 1);
    await this.o.cursor.rewind(this.chain, height + 1);
    this.tip = await this.o.cursor.load(this.chain);
    return true;
  }

  /** Examines new mempool transactions (bounded) and reports pending ones that vanished; true when more remain. */
  private async syncMempool(snapshot: readonly string[]): Promise<boolean> {
    const current = new Set(snapshot);
    const missing = this.mempool.missingFrom(current);
    if (missing.length > 0) {
      const entries = await this.o.rpc.batch(
        missing.map((txid) => ({ method: 'getmempoolentry', params: [txid] })),
      );
      for (let i = 0; i < missing.length; i++) {
        const e = entries[i];
        if (e instanceof RpcError && e.code === RPC_INVALID_ADDRESS_OR_KEY) {
          await this.drop(missing[i]!, 'left the mempool without confirming');
        }
      }
    }
    this.mempool.retainSeen(current);
    const unseen = this.mempool.unseen(snapshot);
    const batch = unseen.slice(0, this.o.mempoolBatch ?? 500);
    const txs = await this.o.rpc.batch<NodeTx>(
      batch.map((txid) => ({ method: 'getrawtransaction', params: [txid, true] })),
    );
    for (let i = 0; i < batch.length; i++) {
      const tx = txs[i];
      const txid = batch[i]!;
      if (tx instanceof RpcError) {
        if (tx.code !== RPC_INVALID_ADDRESS_OR_KEY) throw tx;
        this.mempool.markSeen(txid); // gone already
        continue;
      }
      this.mempool.markSeen(txid);
      if (!tx || tx.blockhash) continue; // mined meanwhile: its block reports it
      await this.examineMempoolTx(tx);
    }
    return unseen.length > batch.length;
  }

  private async examineMempoolTx(tx: NodeTx): Promise<void> {
    const outpoints = spentOutpoints(tx);
    for (const replaced of this.mempool.conflictsWith(tx.txid, outpoints)) {
      await this.drop(replaced, `replaced by ${tx.txid}`);
    }
    const transfers = matchTransaction(tx, this.chain, this.o.watchList, null);
    if (transfers.length === 0) return;
    this.mempool.track(tx.txid, outpoints);
    for (const t of transfers)
      await this.o.ledger.recordTransfer({ ...t, currency: t.currency || this.o.currency });
    this.lastProgressAt = this.clock.now();
  }

  private async drop(txid: string, reason: string): Promise<void> {
    this.log.info({ chain: this.chain, txid, reason }, 'payment transaction dropped');
    this.mempool.forget(txid);
    await this.o.ledger.transactionDropped(this.chain, txid);
  }

  private async header(hash: string): Promise<NodeBlockHeader | null> {
    try {
      return await this.o.rpc.call<NodeBlockHeader>('getblockheader', [hash]);
    } catch (err) {
      if (err instanceof RpcError && err.code === RPC_INVALID_ADDRESS_OR_KEY) return null;
      throw err;
    }
  }
}
