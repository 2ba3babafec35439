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
import {
  MapWatchList,
  MemoryCursorStore,
  RecordingLedger,
  silentLogger,
} from '../test/chains/tron/fakes.js';
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

  const replay = await startTronReplay(chain);
  const ledger = new RecordingLedger();
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
  const t0 = performance.now();
  await watcher.start();
  while ((await cursor.load())?.height !== chain.head.height)
    await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - t0) / 1000;
  await watcher.stop();
  await replay.close();

  const txPerBlock = USDT_PER_BLOCK + TRX_PER_BLOCK + HITS_PER_BLOCK;
  if (ledger.payments.size !== BLOCKS * HITS_PER_BLOCK) {
    throw new Error(
      `expected ${BLOCKS * HITS_PER_BLOCK} payments, the watcher recorded ${ledger.payments.size}`,
    );
  }
  return {
    'tron open addresses': watchList.size(),
    'tron blocks scanned': BLOCKS,
    'tron transactions per block': txPerBlock,
    'tron blocks/s': Math.round(BLOCKS / seconds),
    'tron transactions/s': Math.round((BLOCKS * txPerBlock) / seconds),
    'tron payments matched': ledger.payments.size,
  };
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
