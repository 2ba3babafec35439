/**
 * The TRON watcher against the replay server (a synthetic chain in the exact
 * shape of the full-node HTTP API), recording into the real payment recorder.
 */
import { utils } from 'tronweb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TronApi } from '../../../src/chains/tron/api.js';
import { tronFamily } from '../../../src/chains/tron/family.js';
import { TronWatcher, type TronWatcherOptions } from '../../../src/chains/tron/watcher.js';
import { cryptoCurrency, DEFAULT_CONFIRMATIONS } from '../../../src/domain/currencies.js';
import { SyntheticTronChain, startTronReplay, type TronReplay } from '../../support/tron-replay.js';
import { MapWatchList, MemoryCursorStore, RecordingLedger, silentLogger, until } from './fakes.js';

const USDT = cryptoCurrency('USDT_TRC20')!;
const POLL_MS = 20;
const xpub = utils.ethersUtils.ethersHDNodeWallet
  .fromPhrase('test test test test test test test test test test test junk', '', "m/44'/195'/0'")
  .neuter().extendedKey;
const address = (i: number) =>
  tronFamily.deriveAddress({ key: xpub, index: i, currency: USDT, network: 'mainnet' });

let chain: SyntheticTronChain;
let replay: TronReplay;
let ledger: RecordingLedger;
let watchList: MapWatchList;
let cursor: MemoryCursorStore;
let watchers: TronWatcher[];
let warnings: string[];

function watcher(extra: Partial<TronWatcherOptions> = {}): TronWatcher {
  const w = new TronWatcher({
    api: new TronApi({ baseUrl: replay.url, apiKey: 'kassa-test', timeoutMs: 2000 }),
    tokens: { USDT_TRC20: USDT.contract! },
    ledger,
    watchList,
    cursor,
    pollMs: POLL_MS,
    logger: { ...silentLogger, warn: (o: object) => void warnings.push(JSON.stringify(o)) },
    ...extra,
  });
  watchers.push(w);
  return w;
}

async function started(w: TronWatcher): Promise<void> {
  await w.start();
  await until(
    async () => (await cursor.load())?.height === chain.head.height,
    'the watcher to reach the head',
  );
}

const reachesTip = (height: number) => until(() => ledger.tip === height, `tip ${height}`);

beforeEach(async () => {
  chain = new SyntheticTronChain();
  chain.mineEmpty(3);
  replay = await startTronReplay(chain);
  ledger = new RecordingLedger();
  watchList = new MapWatchList(ledger);
  cursor = new MemoryCursorStore();
  watchers = [];
  warnings = [];
});

afterEach(async () => {
  for (const w of watchers) await w.stop();
  await replay.close();
  await ledger.close();
});

describe('TRON watcher', () => {
  it('refuses a token contract that is not a TRON address', () => {
    expect(() =>
      watcher({ tokens: { USDT_TRC20: '0xdAC17F958D2ee523a2206206994597C13D831ec7' } }),
    ).toThrow(/not a TRON address/);
  });

  it('starts at the node head when it has no cursor, ignoring older blocks', async () => {
    watchList.watch(address(0), 'TRX');
    chain.mine([{ kind: 'trx', to: address(0), amount: 1_000_000n }]);
    chain.mineEmpty(1);
    await started(watcher());
    expect(cursor.advanced[0]).toBe(chain.head.height);
    expect(ledger.payments.size).toBe(0);
  });

  it('records a TRX payment to a watched address and confirms it at depth 19', async () => {
    watchList.watch(address(1), 'TRX');
    await started(watcher());
    const block = chain.mine([
      { kind: 'trx', to: address(1), amount: 25_500_000n },
      { kind: 'trx', to: address(900), amount: 7n }, // nobody watches it
    ]);
    const payment = await until(() => ledger.payment(block.txids[0]!, -1), 'the TRX payment');
    expect(payment.transfer).toEqual({
      chain: 'TRON',
      txid: block.txids[0],
      index: -1,
      address: address(1),
      currency: 'TRX',
      amount: 25_500_000n,
      blockHash: block.hash,
      blockHeight: block.height,
      // The transaction's own expiration, from its raw data.
      validUntil: JSON.parse(block.blockText).transactions[0].raw_data.expiration,
    });
    expect(ledger.payments.size).toBe(1);

    const required = DEFAULT_CONFIRMATIONS.TRON;
    expect(required).toBe(19);
    chain.mineEmpty(required - 2);
    await reachesTip(chain.head.height);
    expect(ledger.confirmations(block.txids[0]!, -1)).toBe(required - 1);
    chain.mineEmpty(1);
    await reachesTip(chain.head.height);
    expect(ledger.confirmations(block.txids[0]!, -1)).toBe(required);
  });

  it('records USDT-TRC20 payments by log index, a partial payment and its top-up', async () => {
    watchList.watch(address(2), 'USDT_TRC20');
    await started(watcher());
    const partial = chain.mine([
      { kind: 'trc20', contract: USDT.contract!, to: address(2), amount: 4_000_000n },
    ]);
    await until(() => ledger.payment(partial.txids[0]!, 0), 'the partial payment');
    expect(ledger.paidTo(address(2), 'USDT_TRC20')).toBe(4_000_000n);
    const topUp = chain.mine([
      { kind: 'trc20', contract: USDT.contract!, to: address(2), amount: 6_000_001n },
    ]);
    const p = await until(() => ledger.payment(topUp.txids[0]!, 0), 'the top-up');
    expect(p.transfer).toMatchObject({
      currency: 'USDT_TRC20',
      index: 0,
      blockHeight: topUp.height,
    });
    expect(ledger.paidTo(address(2), 'USDT_TRC20')).toBe(10_000_001n);
  });

  it('ignores a reverted TRC-20 transfer and Transfer logs of unconfigured contracts', async () => {
    watchList.watch(address(3), 'USDT_TRC20');
    watchList.watch(address(4), 'USDT_TRC20');
    await started(watcher());
    const block = chain.mine([
      {
        kind: 'trc20',
        contract: USDT.contract!,
        to: address(3),
        amount: 50_000_000n,
        reverted: true,
      },
      { kind: 'trc20', contract: 'TUpMhErZL2fhh4sVNULAbNKLokS4GjC1F4', to: address(4), amount: 9n },
      { kind: 'trc20', contract: USDT.contract!, to: address(4), amount: 12_000_000n },
    ]);
    await reachesTip(block.height);
    expect([...ledger.payments.values()].map((p) => [p.transfer.txid, p.transfer.amount])).toEqual([
      [block.txids[2], 12_000_000n],
    ]);
    expect(ledger.paidTo(address(3), 'USDT_TRC20')).toBe(0n);
  });

  it('rolls back payments of orphaned blocks and rescans the new branch', async () => {
    watchList.watch(address(5), 'TRX');
    watchList.watch(address(6), 'USDT_TRC20');
    await started(watcher());
    const a = chain.mine([{ kind: 'trx', to: address(5), amount: 3_000_000n }]);
    const b = chain.mine([
      { kind: 'trc20', contract: USDT.contract!, to: address(6), amount: 8_000_000n },
    ]);
    chain.mineEmpty(1);
    await reachesTip(chain.head.height);
    expect(ledger.payment(b.txids[0]!, 0)?.blockHeight).toBe(b.height);

    // A longer branch from a's height: a's transaction moves one block up, b's vanishes.
    chain.fork(a.height);
    chain.mineEmpty(1);
    const moved = chain.mine([{ kind: 'again', txid: a.txids[0]! }]);
    chain.mineEmpty(2);
    await reachesTip(chain.head.height);

    expect(ledger.disconnects).toEqual([a.height]);
    expect(ledger.payment(b.txids[0]!, 0)).toMatchObject({ blockHeight: null, blockHash: null });
    expect(ledger.payment(a.txids[0]!, -1)).toMatchObject({
      blockHeight: moved.height,
      blockHash: moved.hash,
    });
    for (let h = a.height; h <= chain.head.height; h++)
      expect(await cursor.hashAt('TRON', h)).toBe(chain.at(h)!.hash);
  });

  it('drops an orphaned payment once no block may include its expired transaction', async () => {
    watchList.watch(address(12), 'TRX');
    await started(watcher());
    const orphan = chain.mine([{ kind: 'trx', to: address(12), amount: 4n }]);
    await until(() => ledger.payment(orphan.txids[0]!, -1), 'the payment');
    chain.fork(orphan.height);
    // Synthetic transactions expire 60 s after their block, blocks come every 3 s: the new
    // branch's 21st block (orphan.height + 20) is the last one that could still include it.
    chain.mineEmpty(21);
    await reachesTip(chain.head.height);
    expect(ledger.disconnects).toEqual([orphan.height]);
    expect(ledger.dropped).toEqual([]);
    chain.mineEmpty(1);
    await until(() => ledger.dropped.length > 0, 'the drop');
    expect(ledger.dropped).toEqual([orphan.txids[0]]);
  });

  it('keeps an orphaned payment that the new branch includes again', async () => {
    watchList.watch(address(13), 'TRX');
    await started(watcher());
    const first = chain.mine([{ kind: 'trx', to: address(13), amount: 4n }]);
    await until(() => ledger.payment(first.txids[0]!, -1), 'the payment');
    chain.fork(first.height);
    const again = chain.mine([{ kind: 'again', txid: first.txids[0]! }]);
    chain.mineEmpty(30);
    await reachesTip(chain.head.height);
    expect(ledger.payment(first.txids[0]!, -1)?.blockHeight).toBe(again.height);
    expect(ledger.dropped).toEqual([]);
  });

  it('rolls back when the head block at the same height is replaced', async () => {
    watchList.watch(address(7), 'TRX');
    await started(watcher());
    const orphan = chain.mine([{ kind: 'trx', to: address(7), amount: 1_000n }]);
    await until(() => ledger.payment(orphan.txids[0]!, -1), 'the payment');
    chain.fork(orphan.height);
    const replacement = chain.mine();
    await until(
      async () => (await cursor.hashAt('TRON', orphan.height)) === replacement.hash,
      'the replacement',
    );
    expect(ledger.disconnects).toEqual([orphan.height]);
    expect(ledger.payment(orphan.txids[0]!, -1)?.blockHeight).toBeNull();
  });

  it('backs off on HTTP 429 and then catches up without skipping a block', async () => {
    watchList.watch(address(8), 'USDT_TRC20');
    await started(watcher());
    const before = replay.requests.length;
    replay.rateLimit(4);
    const block = chain.mine([
      { kind: 'trc20', contract: USDT.contract!, to: address(8), amount: 1n },
    ]);
    await until(() => ledger.payment(block.txids[0]!, 0), 'the payment after the rate limit');
    const seen = replay.requests.slice(before);
    const limited = seen.filter((r) => r.status === 429);
    expect(limited).toHaveLength(4);
    // Exponential backoff from the poll interval: 20 + 40 + 80 + 160 ms before the first answered request.
    const firstOk = seen.find((r) => r.status === 200 && r.at >= limited[3]!.at)!;
    expect(firstOk.at - limited[0]!.at).toBeGreaterThanOrEqual(
      POLL_MS + 2 * POLL_MS + 4 * POLL_MS - 5,
    );
    expect(warnings.some((w) => w.includes('429'))).toBe(true);
    expect(cursor.advanced).toContain(block.height);
  });

  it('honours Retry-After on HTTP 429', async () => {
    await started(watcher());
    replay.rateLimit(1, 1);
    const limitedAt = await until(() => replay.requests.find((r) => r.status === 429)?.at, 'a 429');
    const next = await until(
      () => replay.requests.find((r) => r.at >= limitedAt && r.status === 200),
      'a retry',
    );
    expect(next.at - limitedAt).toBeGreaterThanOrEqual(950);
  });

  it('reports the node unreachable while it fails and recovers', async () => {
    watchList.watch(address(9), 'TRX');
    const w = watcher();
    await started(w);
    replay.fail(3);
    const block = chain.mine([{ kind: 'trx', to: address(9), amount: 2n }]);
    await until(() => ledger.payment(block.txids[0]!, -1), 'the payment after the outage');
    expect(warnings.filter((x) => x.includes('HTTP 503'))).toHaveLength(3);
    await until(() => w.health().lastError === null, 'recovery');
    expect(w.health()).toMatchObject({
      chain: 'TRON',
      running: true,
      nodeReachable: true,
      height: block.height,
    });
  });

  it('waits, without rolling back or hammering, while a load-balanced node lags behind the head', async () => {
    await replay.close();
    let lagging = true;
    // getnowblock comes from an up-to-date node, getblockbynum from one a block behind it.
    replay = await startTronReplay({
      nowBlockText: () => chain.nowBlockText(),
      blockText: (n) => (lagging && n === chain.head.height - 1 ? null : chain.blockText(n)),
      infosText: (n) => chain.infosText(n),
    });
    watchList.watch(address(11), 'TRX');
    await started(watcher());
    const block = chain.mine([{ kind: 'trx', to: address(11), amount: 9n }]);
    chain.mineEmpty(1);
    const before = replay.requests.length;
    const polls = () =>
      replay.requests.slice(before).filter((r) => r.path === '/wallet/getnowblock').length;
    await until(() => polls() >= 5, 'five polls of the lagging node');
    expect(ledger.payment(block.txids[0]!, -1)).toBeUndefined();
    expect(ledger.disconnects).toEqual([]);
    // Each poll asks for the head and the missing block, then waits: not a tight loop.
    expect(replay.requests.length - before).toBeLessThanOrEqual(polls() * 2 + 2);
    lagging = false;
    await until(() => ledger.payment(block.txids[0]!, -1), 'the payment once the node caught up');
    expect(ledger.disconnects).toEqual([]);
  });

  it('catches up after a restart from its durable cursor, reporting the tip as it goes', async () => {
    const first = watcher();
    await started(first);
    await first.stop();
    const stoppedAt = chain.head.height;
    const paid: { txid: string; to: string }[] = [];
    for (let i = 0; i < 40; i++) {
      const to = address(20 + i);
      watchList.watch(to, i % 2 ? 'TRX' : 'USDT_TRC20');
      const block =
        i % 2
          ? chain.mine([{ kind: 'trx', to, amount: BigInt(i + 1) }])
          : chain.mine([{ kind: 'trc20', contract: USDT.contract!, to, amount: BigInt(i + 1) }]);
      paid.push({ txid: block.txids[0]!, to });
    }
    await started(watcher({ batchSize: 16 }));
    await reachesTip(chain.head.height);
    for (const [i, p] of paid.entries())
      expect(ledger.payment(p.txid, i % 2 ? -1 : 0)?.transfer.address).toBe(p.to);
    const scanned = new Set(cursor.advanced);
    for (let h = stoppedAt + 1; h <= chain.head.height; h++)
      expect(scanned.has(h), `block ${h}`).toBe(true);
    // The tip was reported during the catch-up, not only at its end.
    expect(
      ledger.tips.filter((t) => t > stoppedAt && t < chain.head.height).length,
    ).toBeGreaterThan(0);
  });

  it('reports a rescanned payment under the same (txid, log index), so the ledger keeps it once', async () => {
    watchList.watch(address(10), 'TRX');
    const w = watcher();
    await started(w);
    const block = chain.mine([{ kind: 'trx', to: address(10), amount: 5n }]);
    await until(() => ledger.payment(block.txids[0]!, -1), 'the payment');
    await w.stop();
    await cursor.rewind('TRON', block.height);
    await started(watcher());
    expect(ledger.payment(block.txids[0]!, -1)?.seen).toBe(2);
    expect(ledger.paidTo(address(10), 'TRX')).toBe(5n);
  });
});
