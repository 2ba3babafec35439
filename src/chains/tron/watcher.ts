/**
 * Follows the TRON chain from a durable cursor and reports credits to watched
 * addresses: TRX TransferContract payments and TRC-20 Transfer logs of the
 * configured token contracts. Detects reorgs by parent hash, backs off when
 * the node fails or rate-limits (HTTP 429), and never skips a block.
 */
import type {
  ChainCursorStore,
  ChainWatcher,
  PaymentLedger,
  WatcherHealth,
  WatcherLogger,
  WatchList,
} from '../../app/ports/chain.js';
import { systemClock, type Clock } from '../../app/ports/clock.js';
import { Loop } from '../../app/loop.js';
import { TronRateLimitedError } from './api.js';
import { addressToHex20 } from './address.js';
import { OrphanedPayments } from '../orphans.js';
import { fetchBlockCredits, type BlockCredits, type TronNode } from './block-credits.js';
import { blockHeader, type BlockHeader, type TronCredit } from './transfers.js';

export const TRON_CHAIN = 'TRON';

export interface TronWatcherOptions {
  readonly api: TronNode;
  /** Currency code -> base58 TRC-20 contract, e.g. { USDT_TRC20: 'TR7NHq...' }. */
  readonly tokens: Readonly<Record<string, string>>;
  readonly ledger: PaymentLedger;
  readonly watchList: WatchList;
  readonly cursor: ChainCursorStore;
  readonly pollMs: number;
  readonly logger: WatcherLogger;
  /** Block hashes kept for reorg detection (TRON solidifies after 19; default 200). */
  readonly keepBlocks?: number;
  /** Longest wait between attempts while the node fails; default 30 s. */
  readonly maxBackoffMs?: number;
  /** Blocks processed before the tip is reported and the loop yields; default 100. */
  readonly batchSize?: number;
  /** Blocks fetched at once while catching up; default 4. */
  readonly lookahead?: number;
  readonly clock?: Clock;
}

export class TronWatcher implements ChainWatcher {
  readonly chain = TRON_CHAIN;
  private readonly tokens: ReadonlyMap<string, string>;
  private readonly keepBlocks: number;
  private readonly batchSize: number;
  private readonly lookahead: number;
  private readonly clock: Clock;
  private readonly loop: Loop;
  private abort = new AbortController();
  private readonly orphans: OrphanedPayments;
  private state = {
    nodeReachable: false,
    height: null as number | null,
    nodeHeight: null as number | null,
    lastError: null as string | null,
    lastProgressAt: null as number | null,
  };

  constructor(private readonly o: TronWatcherOptions) {
    const tokens = new Map<string, string>();
    for (const [currency, contract] of Object.entries(o.tokens))
      tokens.set(addressToHex20(contract), currency);
    this.tokens = tokens;
    this.keepBlocks = o.keepBlocks ?? 200;
    this.batchSize = o.batchSize ?? 100;
    this.lookahead = Math.max(1, o.lookahead ?? 4);
    this.clock = o.clock ?? systemClock;
    this.loop = new Loop({
      intervalMs: o.pollMs,
      maxBackoffMs: o.maxBackoffMs ?? 30_000,
      clock: this.clock,
      round: async () => ({ more: !(await this.poll()) }),
      onSuccess: () => {
        this.state.nodeReachable = true;
        this.state.lastError = null;
      },
      onFailure: (err, retryInMs) => {
        this.state.lastError = (err as Error).message;
        let wait = retryInMs;
        if (err instanceof TronRateLimitedError) {
          // The node is up but wants fewer requests: honour Retry-After when given.
          this.state.nodeReachable = true;
          wait = Math.max(wait, err.retryAfterMs ?? 0);
        } else {
          this.state.nodeReachable = false;
        }
        this.o.logger.warn(
          { chain: this.chain, err: this.state.lastError, retryInMs: wait },
          'tron watcher backing off',
        );
        return wait;
      },
    });
    this.orphans = new OrphanedPayments(TRON_CHAIN, o.ledger);
  }

  async start(): Promise<void> {
    if (this.loop.isRunning) return;
    this.abort = new AbortController();
    this.loop.start();
  }

  async stop(): Promise<void> {
    const stopping = this.loop.stop();
    this.abort.abort();
    await stopping;
  }

  health(): WatcherHealth {
    return { chain: this.chain, running: this.loop.isRunning, ...this.state };
  }

  /** One round: follow the head by up to `batchSize` blocks. True when caught up. */
  private async poll(): Promise<boolean> {
    const signal = this.abort.signal;
    const headBlock = await this.o.api.getNowBlock(signal);
    // After the head is read: every payment up to it pays an address already in the list.
    await this.o.watchList.refresh();
    const head = blockHeader(headBlock);
    this.state.nodeHeight = head.height;

    let cur = await this.o.cursor.load(this.chain);
    if (!cur) {
      // A fresh install watches from the node's head; older blocks predate every invoice.
      const first = await fetchBlockCredits(
        this.o.api,
        head.height,
        headBlock,
        this.tokens,
        signal,
      );
      if (first) await this.applyBlock(first);
      await this.o.ledger.tipChanged(this.chain, head.height);
      this.o.logger.info(
        { chain: this.chain, height: head.height },
        'tron watcher starting at node head',
      );
      return true;
    }
    this.state.height = cur.height;

    if (head.height <= cur.height) {
      const stored =
        head.height === cur.height ? cur.hash : await this.o.cursor.hashAt(this.chain, head.height);
      if (stored !== null && stored !== head.hash) await this.rollBack(cur.height);
      return true;
    }

    // Fetch a few blocks (and their receipts) at once to hide the node's latency; apply them in order.
    let processed = 0;
    let stalled = false;
    let latest: number | null = null;
    fetching: while (
      this.loop.isRunning &&
      cur.height < head.height &&
      processed < this.batchSize
    ) {
      const from: number = cur.height + 1;
      const count = Math.min(this.lookahead, head.height - cur.height, this.batchSize - processed);
      const heights = Array.from({ length: count }, (_, i) => from + i);
      const fetched = await Promise.all(
        heights.map((h) =>
          fetchBlockCredits(
            this.o.api,
            h,
            h === head.height ? headBlock : null,
            this.tokens,
            signal,
          ),
        ),
      );
      for (const f of fetched) {
        if (!f) {
          // A load-balanced node behind its peers: wait a poll interval and try again.
          stalled = true;
          break fetching;
        }
        if (f.header.parentHash !== cur.hash) {
          if (await this.rollBack(cur.height)) return false; // rescan the new branch at once
          stalled = true;
          break fetching;
        }
        await this.applyBlock(f);
        cur = { height: f.header.height, hash: f.header.hash };
        latest = f.header.timestamp;
        processed += 1;
      }
    }
    if (latest !== null) await this.dropExpiredOrphans(latest);
    await this.o.ledger.tipChanged(this.chain, cur.height);
    if (cur.height > this.keepBlocks)
      await this.o.cursor.prune(this.chain, cur.height - this.keepBlocks);
    return stalled || cur.height >= head.height;
  }

  /** Reports the block's credits to watched addresses, then moves the cursor past it. */
  private async applyBlock({ header, credits, expirations }: BlockCredits): Promise<void> {
    for (const credit of credits) await this.record(credit, header, expirations.get(credit.txid));
    await this.o.cursor.advance(this.chain, header);
    this.state.height = header.height;
    this.state.lastProgressAt = this.clock.now();
  }

  /**
   * Orphaned payments that a block timestamped `blockTimestamp` proves can
   * never be mined (past their expiration) are dropped.
   */
  private async dropExpiredOrphans(blockTimestamp: number): Promise<void> {
    const dropped = await this.orphans.follow(async (orphans) =>
      orphans
        .filter((o) => o.validUntil !== null && o.validUntil < blockTimestamp)
        .map((o) => o.txid),
    );
    for (const txid of dropped)
      this.o.logger.warn({ chain: this.chain, txid }, 'tron payment orphaned and expired');
  }

  /** Reports `credit` when its address is watched. */
  private async record(
    credit: TronCredit,
    block: BlockHeader,
    validUntil: number | undefined,
  ): Promise<void> {
    if (!this.o.watchList.lookup(this.chain, credit.to)) return;
    await this.o.ledger.recordTransfer({
      chain: this.chain,
      txid: credit.txid,
      index: credit.index,
      address: credit.to,
      currency: credit.currency,
      amount: credit.amount,
      blockHash: block.hash,
      blockHeight: block.height,
      ...(validUntil !== undefined && { validUntil }),
    });
    this.o.logger.info(
      {
        chain: this.chain,
        txid: credit.txid,
        index: credit.index,
        currency: credit.currency,
        height: block.height,
      },
      'tron payment seen',
    );
  }

  /**
   * The node's chain no longer contains our block at `fromHeight`: walk back
   * to the last block both agree on, orphan everything above it and rescan.
   */
  private async rollBack(fromHeight: number): Promise<boolean> {
    let forkAt: number | null = null;
    for (let h = fromHeight; h > fromHeight - this.keepBlocks && h >= 0; h--) {
      const stored = await this.o.cursor.hashAt(this.chain, h);
      if (stored === null) break; // older than what we keep: resume from here
      const onNode = await this.o.api.getBlockByNum(h, this.abort.signal);
      if (onNode && onNode.blockID === stored) break;
      forkAt = h;
    }
    // Our blocks are all still on the node's chain: the mismatch came from a lagging node.
    if (forkAt === null) return false;
    this.o.logger.warn(
      { chain: this.chain, fromHeight: forkAt, tip: fromHeight },
      'tron reorg: rolling back',
    );
    await this.o.ledger.blocksDisconnected(this.chain, forkAt);
    this.orphans.disconnected();
    await this.o.cursor.rewind(this.chain, forkAt);
    this.state.height = forkAt - 1;
    return true;
  }
}
