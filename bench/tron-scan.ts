/**
 * TRON watcher throughput: blocks per second scanned from the replay server
 * (synthetic mainnet-like blocks: USDT TRC-20 and TRX transfers) while
 * 100,000 addresses are open. Run: npx tsx bench/tron-scan.ts
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { TronApi } from '../src/chains/tron/api.js';
import { hexToAddress } from '../src/chains/tron/address.js';
import { TronWatcher } from '../src/chains/tron/watcher.js';
import { cryptoCurrency } from '../src/domain/currencies.js';
import type {
  ObservedTransfer,
  PaymentLedger,
  WatchedAddress,
  WatchList,
} from '../src/app/ports/chain.js';
import { MemoryCursorStore, silentLogger } from '../test/chains/tron/fakes.js';
import {
  SyntheticTronChain,
  startTronReplay,
  type SyntheticTransfer,
} from '../test/support/tron-replay.js';

const OPEN_ADDRESSES = 100_000;
const BLOCKS = 300;
/** Mainnet blocks carry a few hundred transactions, most of them USDT transfers. */
const USDT_PER_BLOCK = 140;
const TRX_PER_BLOCK = 60;
/** Payments to watched addresses per block. */
const HITS_PER_BLOCK = 2;
const REMOTE_LATENCY_MS = 50;
const REMOTE_BLOCKS = 100;

/** The open addresses; the scan, not the store, is measured here. */
class MapWatchList implements WatchList {
  private readonly live = new Map<string, WatchedAddress>();

  watch(address: string, currency: string): void {
    const n = this.live.size + 1;
    this.live.set(address, { quoteId: `q${n}`, invoiceId: `inv${n}`, currency, address });
  }

  lookup(_chain: string, address: string): WatchedAddress | undefined {
    return this.live.get(address);
  }

  size(): number {
    return this.live.size;
  }

  async refresh(): Promise<void> {}
}

/** Keeps each reported transfer once by (txid, index), so the scan can be checked complete. */
class CountingLedger implements PaymentLedger {
  readonly payments = new Map<string, ObservedTransfer>();

  async recordTransfer(t: ObservedTransfer): Promise<void> {
    this.payments.set(`${t.txid}:${t.index}`, t);
  }
  async tipChanged(): Promise<void> {}
  async blocksDisconnected(): Promise<void> {}
  async transactionDropped(): Promise<void> {}
  async unminedTransactions(): Promise<[]> {
    return [];
  }
}

const randomAddress = () => hexToAddress(randomBytes(20).toString('hex'))!;

export async function benchTron(): Promise<Record<string, string | number>> {
  const usdt = cryptoCurrency('USDT_TRC20')!.contract!;
  const watchList = new MapWatchList();
  const open: string[] = [];
  for (let i = 0; i < OPEN_ADDRESSES; i++) {
    const a = randomAddress();
    open.push(a);
    watchList.watch(a, i % 2 ? 'TRX' : 'USDT_TRC20');
  }

  const chain = new SyntheticTronChain();
  const startHeight = chain.head.height;
  for (let b = 0; b < BLOCKS; b++) {
    const txs: SyntheticTransfer[] = [];
    for (let i = 0; i < USDT_PER_BLOCK; i++) {
      txs.push({
        kind: 'trc20',
        contract: usdt,
        to: randomAddress(),
        amount: BigInt(1 + i) * 1_000_000n,
      });
    }
    for (let i = 0; i < TRX_PER_BLOCK; i++)
      txs.push({ kind: 'trx', to: randomAddress(), amount: BigInt(1 + i) });
    for (let i = 0; i < HITS_PER_BLOCK; i++) {
      const k = (b * HITS_PER_BLOCK + i) % OPEN_ADDRESSES;
      txs.push(
        k % 2
          ? { kind: 'trx', to: open[k]!, amount: 5_000_000n }
          : { kind: 'trc20', contract: usdt, to: open[k]!, amount: 10_000_000n },
      );
    }
    chain.mine(txs);
  }

  const local = await scan(chain, startHeight, watchList, usdt, 0, BLOCKS);
  // A remote node (or TronGrid) answers in tens of milliseconds: fetching ahead hides that.
  const remote = await scan(chain, startHeight, watchList, usdt, REMOTE_LATENCY_MS, REMOTE_BLOCKS);

  const txPerBlock = USDT_PER_BLOCK + TRX_PER_BLOCK + HITS_PER_BLOCK;
  return {
    'tron open addresses': watchList.size(),
    'tron transactions per block': txPerBlock,
    'tron blocks/s (local replay)': Math.round(local.blocksPerSecond),
    'tron transactions/s (local replay)': Math.round(local.blocksPerSecond * txPerBlock),
    [`tron blocks/s (${REMOTE_LATENCY_MS} ms node latency)`]: Math.round(remote.blocksPerSecond),
    'tron payments matched': local.payments,
  };
}

/** Scans `blocks` blocks after `startHeight` from a fresh cursor; throws unless every hit is recorded. */
async function scan(
  chain: SyntheticTronChain,
  startHeight: number,
  watchList: MapWatchList,
  usdt: string,
  latencyMs: number,
  blocks: number,
): Promise<{ blocksPerSecond: number; payments: number }> {
  const replay = await startTronReplay(chain, { latencyMs });
  const ledger = new CountingLedger();
  const cursor = new MemoryCursorStore();
  // Resume just before the benchmark blocks, as after a restart.
  await cursor.advance('TRON', {
    height: startHeight,
    hash: chain.at(startHeight)!.hash,
    parentHash: null,
  });
  const watcher = new TronWatcher({
    api: new TronApi({ baseUrl: replay.url }),
    tokens: { USDT_TRC20: usdt },
    ledger,
    watchList,
    cursor,
    pollMs: 1000,
    logger: silentLogger,
  });
  const target = startHeight + blocks;
  const t0 = performance.now();
  await watcher.start();
  while (((await cursor.load())?.height ?? 0) < target) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - t0) / 1000;
  await watcher.stop();
  await replay.close();
  const payments = [...ledger.payments.values()].filter((p) => (p.blockHeight ?? 0) <= target);
  if (payments.length < blocks * HITS_PER_BLOCK) {
    throw new Error(`expected ${blocks * HITS_PER_BLOCK} payments, recorded ${payments.length}`);
  }
  return { blocksPerSecond: blocks / seconds, payments: payments.length };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchTron().then(
    (figures) => {
      for (const [name, value] of Object.entries(figures)) console.log(`${name}: ${value}`);
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
