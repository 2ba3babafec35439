/**
 * Follows an Ethereum node from a durable cursor and reports payments to
 * watched addresses: polls eth_blockNumber, reads new blocks in bounded
 * ranges, records each block's transfers before advancing past it, rolls back
 * to the fork point when the chain reorganises, and backs off while the node
 * is unreachable, then catches up without skipping a block.
 */
import type {
  BlockRef,
  ChainCursorStore,
  ChainWatcher,
  ObservedTransfer,
  PaymentLedger,
  UnexpectedTransfers,
  WatcherHealth,
  WatcherLogger,
  WatchList,
} from '../../app/ports/chain.js';
import { silentLogger } from '../../app/ports/chain.js';
import { systemClock, type Clock } from '../../app/ports/clock.js';
import { Loop, type RoundResult } from '../../app/loop.js';
import { isValidEvmAddress } from './address.js';
import { ChainMovedError, ETH_CHAIN, scanRange, type ScanContext } from './block-scan.js';
import { OrphanedPayments } from '../orphans.js';
import { EvmRpc, redact, type Hex } from './rpc.js';

export interface EvmWatcherOptions {
  /** JSON-RPC endpoint (own node or provider), or a client built from one. */
  url?: string;
  rpc?: EvmRpc;
  chainId: number;
  /** Currency code (USDT_ERC20, ...) -> token contract on this chain. */
  tokens: Record<string, string>;
  ledger: PaymentLedger;
  /** Told of a wrong coin (a listed token or ETH other than the address's quote currency). */
  unexpected?: UnexpectedTransfers;
  watchList: WatchList;
  cursor: ChainCursorStore;
  pollMs?: number;
  /** Blocks read per step; bounds memory and each eth_getLogs range. */
  batchBlocks?: number;
  /** Block hashes kept for reorg detection; deeper reorgs cannot be rolled back exactly. */
  keepBlocks?: number;
  maxBackoffMs?: number;
  logger?: WatcherLogger;
  clock?: Clock;
}

export class EvmWatcher implements ChainWatcher {
  readonly chain = ETH_CHAIN;
  private readonly rpc: EvmRpc;
  private readonly scan: ScanContext;
  private readonly pollMs: number;
  private readonly batchBlocks: number;
  private readonly keepBlocks: number;
  private readonly log: WatcherLogger;
  private readonly clock: Clock;
  private readonly loop: Loop;
  private readonly orphans: OrphanedPayments;
  private state = {
    nodeReachable: false,
    height: null as number | null,
    nodeHeight: null as number | null,
    lastError: null as string | null,
    lastProgressAt: null as number | null,
  };

  constructor(private readonly options: EvmWatcherOptions) {
    const rpc = options.rpc ?? (options.url ? new EvmRpc({ url: options.url }) : null);
    if (!rpc) throw new Error('EvmWatcher needs an RPC url or client');
    this.rpc = rpc;
    const tokens = new Map<string, string>();
    for (const [code, contract] of Object.entries(options.tokens)) {
      if (!isValidEvmAddress(contract))
        throw new Error(`${code}: invalid token contract address ${contract}`);
      tokens.set(contract.toLowerCase(), code);
    }
    this.scan = {
      rpc,
      watchList: options.watchList,
      tokens,
      balances: new Map(),
      onBalanceError: (err, from, to) =>
        this.log.warn(
          { chain: ETH_CHAIN, from, to, err: (err as Error).message },
          "the node no longer holds these blocks' balances: ETH sent by contracts in them is not detected",
        ),
    };
    this.pollMs = options.pollMs ?? 1000;
    this.batchBlocks = Math.max(1, options.batchBlocks ?? 100);
    this.keepBlocks = Math.max(this.batchBlocks + 1, options.keepBlocks ?? 256);
    this.log = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.loop = new Loop({
      intervalMs: this.pollMs,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      clock: this.clock,
      round: () => this.round(),
      onFailure: (err, retryInMs) => {
        this.state.lastError = err instanceof Error ? err.message : String(err);
        this.state.nodeReachable = false;
        this.log.warn(
          { chain: ETH_CHAIN, err: this.state.lastError, retryInMs },
          'Ethereum node unreachable or failing',
        );
      },
    });
    this.orphans = new OrphanedPayments(ETH_CHAIN, options.ledger);
  }

  /** Refuses to start against a node of another chain. */
  async start(): Promise<void> {
    if (this.loop.isRunning) return;
    await this.rpc.assertChainId(this.options.chainId);
    this.state.nodeReachable = true;
    const cursor = await this.options.cursor.load(ETH_CHAIN);
    if (cursor) {
      // A run interrupted between recording a block's payments and advancing
      // past it left them above the cursor; if that block is later orphaned
      // nothing else would roll them back. Reprocessing re-records them.
      await this.options.ledger.blocksDisconnected(ETH_CHAIN, cursor.height + 1);
      await this.options.unexpected?.unexpectedDisconnected(ETH_CHAIN, cursor.height + 1);
      this.state.height = cursor.height;
    }
    this.loop.start();
    this.log.info(
      { chain: ETH_CHAIN, node: redact(this.rpc.url), from: cursor?.height ?? 'head' },
      'watcher started',
    );
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  health(): WatcherHealth {
    return { chain: ETH_CHAIN, running: this.loop.isRunning, ...this.state };
  }

  /** One round of the loop: a step, where a chain that moved under the read is no failure. */
  private async round(): Promise<RoundResult> {
    try {
      const caughtUp = await this.step();
      this.state.nodeReachable = true;
      this.state.lastError = null;
      return { more: !caughtUp };
    } catch (err) {
      if (!(err instanceof ChainMovedError)) throw err;
      this.state.lastError = err.message;
      this.log.debug({ chain: ETH_CHAIN, err: err.message }, 'chain moved, rereading');
      return {};
    }
  }

  /** One bounded step towards the head; true when nothing is left to read. */
  private async step(): Promise<boolean> {
    const { cursor: store, ledger, watchList } = this.options;
    const head = await this.rpc.blockNumber();
    // Refreshed after the head is read: a payment in any block up to it was sent to an
    // address handed out before, so that address is in the list now.
    await watchList.refresh();
    this.state.nodeHeight = head;
    const cursor = await store.load(ETH_CHAIN);
    if (cursor && !(await this.stillOnChain(cursor, head))) {
      await this.rollBack(cursor);
      return false;
    }
    const from = cursor ? cursor.height + 1 : head;
    if (from > head) {
      await this.followOrphans();
      return true;
    }
    const to = Math.min(head, from + this.batchBlocks - 1);
    const range = await scanRange(this.scan, from, to);
    const first = range.blocks[0];
    if (cursor && first && first.parentHash !== cursor.hash) {
      throw new ChainMovedError(`block ${from} does not extend the cursor`);
    }
    const byHeight = new Map<number | null, ObservedTransfer[]>();
    for (const t of range.transfers) {
      const list = byHeight.get(t.blockHeight);
      if (list) list.push(t);
      else byHeight.set(t.blockHeight, [t]);
    }
    for (const block of range.blocks) {
      // Each block's payments are recorded before the cursor moves past it.
      for (const transfer of byHeight.get(block.height) ?? []) {
        await ledger.recordTransfer(transfer);
        const watched = watchList.lookup(ETH_CHAIN, transfer.address);
        if (watched && watched.currency !== transfer.currency)
          await this.options.unexpected?.recordUnexpected(transfer, watched);
      }
      await store.advance(ETH_CHAIN, block);
    }
    await ledger.tipChanged(ETH_CHAIN, to);
    await store.prune(ETH_CHAIN, to - this.keepBlocks);
    this.state.height = to;
    this.state.lastProgressAt = this.clock.now();
    if (range.transfers.length > 0) {
      this.log.info(
        { chain: ETH_CHAIN, from, to, payments: range.transfers.length },
        'payments seen',
      );
    }
    return to === head;
  }

  /**
   * Whether the node still has our cursor's chain. A node behind our cursor
   * (a lagging backend behind a provider's load balancer) is compared at its
   * own head and then simply waited for, not taken for a reorg.
   */
  private async stillOnChain(cursor: BlockRef, head: number): Promise<boolean> {
    const height = Math.min(head, cursor.height);
    const expected =
      height === cursor.height ? cursor.hash : await this.options.cursor.hashAt(ETH_CHAIN, height);
    if (expected === null) return true;
    const block = await this.rpc.block(height, false);
    return block?.hash === expected;
  }

  /** Orphaned payments whose transaction the node has forgotten stop counting. */
  private async followOrphans(): Promise<void> {
    // Mined again or still in the node's pool: the scan records it in its new block.
    const dropped = await this.orphans.follow(async (orphans) => {
      const txs = await this.rpc.transactions(orphans.map((o) => o.txid as Hex));
      return orphans.filter((_, i) => txs[i] === null).map((o) => o.txid);
    });
    for (const txid of dropped)
      this.log.warn({ chain: ETH_CHAIN, txid }, 'orphaned payment dropped by the node');
  }

  /** Walks back to the last block both the node and the store agree on, and rewinds past it. */
  private async rollBack(cursor: BlockRef): Promise<void> {
    const { cursor: store, ledger } = this.options;
    let height = cursor.height;
    for (; height >= 0; height--) {
      const stored = await store.hashAt(ETH_CHAIN, height);
      if (stored === null) {
        this.log.error(
          { chain: ETH_CHAIN, height },
          'reorg deeper than the kept block hashes; rolling back to them',
        );
        break;
      }
      const block = await this.rpc.block(height, false);
      if (block?.hash === stored) break;
    }
    const orphanedFrom = height + 1;
    await ledger.blocksDisconnected(ETH_CHAIN, orphanedFrom);
    await this.options.unexpected?.unexpectedDisconnected(ETH_CHAIN, orphanedFrom);
    await store.rewind(ETH_CHAIN, orphanedFrom);
    this.orphans.disconnected();
    this.state.height = height;
    this.log.warn(
      { chain: ETH_CHAIN, from: orphanedFrom, to: cursor.height },
      'reorg: blocks orphaned, rescanning',
    );
  }
}
