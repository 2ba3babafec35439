/** The EVM watcher through reorgs, restarts, node outages and provider limits, on anvil. */
import type { Address, Hex } from 'viem';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EvmWatcher, type EvmWatcherOptions } from '../../../src/chains/evm/index.js';
import type { Store } from '../../../src/store/database.js';
import {
  batchTransfer,
  freshCursorStore,
  headHeight,
  MemoryWatchList,
  merchantAddress,
  mine,
  RecordingLedger,
  sendEth,
  sendToken,
  startEvmTestChain,
  waitFor,
  type EvmTestChain,
} from './harness.js';
import { startRpcProxy, type RpcProxy } from './rpc-proxy.js';

let chain: EvmTestChain;
let nextIndex = 1000;
const running: EvmWatcher[] = [];
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  chain = await startEvmTestChain();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.stop()));
  await Promise.all(cleanups.splice(0).map((c) => c()));
});
afterAll(async () => {
  await chain?.close();
});

async function setup(overrides: Partial<EvmWatcherOptions> = {}) {
  const ledger = new RecordingLedger();
  const watchList = new MemoryWatchList(ledger);
  const { cursor, store } = await freshCursorStore();
  cleanups.push(
    () => (store as Store).close(),
    () => ledger.close(),
  );
  const options: EvmWatcherOptions = {
    url: chain.anvil.url,
    chainId: chain.anvil.chainId,
    tokens: { USDT_ERC20: chain.usdt, TUSD_ERC20: chain.tusd },
    ledger,
    watchList,
    cursor,
    pollMs: 50,
    batchBlocks: 10,
    maxBackoffMs: 200,
    ...overrides,
  };
  const startWatcher = async (more: Partial<EvmWatcherOptions> = {}) => {
    const watcher = new EvmWatcher({ ...options, ...more });
    await watcher.start();
    running.push(watcher);
    // A fresh watcher starts at the head it reads in its first round: a payment sent before that
    // round may land below where it starts. Wait for the round, as a shop waits for Kassa to be up.
    await waitFor('the first round', () => watcher.health().height !== null);
    return watcher;
  };
  const caughtUp = async () => {
    const head = await headHeight(chain);
    await waitFor(`watcher at head ${head}`, () => ledger.tip >= head && ledger.tip);
  };
  return { ledger, watchList, cursor, startWatcher, caughtUp };
}

async function proxy(): Promise<RpcProxy> {
  const p = await startRpcProxy(chain.anvil.url);
  cleanups.push(() => p.close());
  return p;
}

const fresh = () => merchantAddress(nextIndex++);
const blockOf = async (hash: Hex) =>
  chain.client.waitForTransactionReceipt({ hash, pollingInterval: 50 });

describe('EVM watcher: reorgs', () => {
  it('rolls back a payment whose block was reorged away and re-credits it when re-mined', async () => {
    const { ledger, watchList, startWatcher, caughtUp } = await setup();
    const ethAddress = fresh();
    const usdtAddress = fresh();
    watchList.watch(ethAddress, 'ETH');
    watchList.watch(usdtAddress, 'USDT_ERC20');
    await startWatcher();
    await mine(chain);
    await caughtUp();

    const snapshot = await chain.anvil.rpc<Hex>('evm_snapshot');
    const ethTx = await sendEth(chain, ethAddress, 3n * 10n ** 17n);
    const usdtTx = await sendToken(chain, chain.usdt, usdtAddress, 50_000_000n);
    const rawEth = await chain.anvil.rpc<Hex>('eth_getRawTransactionByHash', [ethTx]);
    const rawUsdt = await chain.anvil.rpc<Hex>('eth_getRawTransactionByHash', [usdtTx]);
    const orphanHeight = Number((await blockOf(ethTx)).blockNumber);
    await caughtUp();
    const eth = ledger.payments.get(`${ethTx}:-1`);
    expect(eth?.blockHeight).toBe(orphanHeight);
    const usdtKey = [...ledger.payments.keys()].find((k) => k.startsWith(usdtTx));
    expect(usdtKey).toBeDefined();

    // The chain forks below the payments; the new branch is longer and has neither.
    await chain.anvil.rpc('evm_revert', [snapshot]);
    await mine(chain, 4);
    await caughtUp();
    expect(
      ledger.calls.some(
        (c) => /^disconnect ETH (\d+)$/.test(c) && Number(c.split(' ')[2]) <= orphanHeight,
      ),
    ).toBe(true);
    expect(ledger.payments.get(`${ethTx}:-1`)?.blockHeight).toBeNull();
    expect(ledger.payments.get(usdtKey!)?.blockHeight).toBeNull();
    // anvil forgets reverted transactions, so they stop counting altogether.
    expect(await chain.anvil.rpc('eth_getTransactionByHash', [ethTx])).toBeNull();
    await waitFor('the orphaned transactions to be dropped', () =>
      [ledger.payments.get(`${ethTx}:-1`), ledger.payments.get(usdtKey!)].every((p) => p?.dropped),
    );

    // The same signed transactions are mined again on the new branch.
    await chain.anvil.rpc('eth_sendRawTransaction', [rawEth]);
    await chain.anvil.rpc('eth_sendRawTransaction', [rawUsdt]);
    await caughtUp();
    const remined = await blockOf(ethTx);
    expect(ledger.payments.get(`${ethTx}:-1`)).toMatchObject({
      blockHeight: Number(remined.blockNumber),
      blockHash: remined.blockHash,
    });
    expect(ledger.payments.get(usdtKey!)?.blockHash).toBe((await blockOf(usdtTx)).blockHash);
    expect(ledger.payments.get(usdtKey!)?.dropped).toBe(false);
  });

  it('notices a reorg that replaces the tip with a block of the same height', async () => {
    const { ledger, watchList, startWatcher, caughtUp } = await setup();
    const address = fresh();
    watchList.watch(address, 'TUSD_ERC20');
    await startWatcher();
    const txid = await sendToken(chain, chain.tusd, address, 10n ** 18n);
    const height = Number((await blockOf(txid)).blockNumber);
    await caughtUp();
    expect(ledger.to(address)[0]?.blockHeight).toBe(height);

    await chain.anvil.rpc('anvil_reorg', [1, []]);
    expect(await headHeight(chain)).toBe(height);
    await waitFor(
      'the orphaned payment to be rolled back',
      () => ledger.to(address)[0]?.blockHeight === null,
    );
    expect(ledger.calls).toContain(`disconnect ETH ${height}`);
  });
});

describe('EVM watcher: restarts', () => {
  it('misses nothing when restarted while blocks with payments are mined', async () => {
    const { ledger, watchList, startWatcher, caughtUp } = await setup();
    const addresses = Array.from({ length: 12 }, () => fresh());
    addresses.forEach((a, i) => watchList.watch(a, i % 2 ? 'USDT_ERC20' : 'ETH'));
    let watcher = await startWatcher();
    await caughtUp();

    const sent: Hex[] = [];
    for (const [i, a] of addresses.entries()) {
      sent.push(
        i % 2
          ? await sendToken(chain, chain.usdt, a, BigInt(i + 1))
          : await sendEth(chain, a, BigInt(i + 1)),
      );
      await mine(chain, 3);
      if (i === 3) await watcher.stop();
      if (i === 8) watcher = await startWatcher();
    }
    sent.push(await batchTransfer(chain, chain.usdt, [addresses[1]!, addresses[3]!], [100n, 200n]));
    await caughtUp();

    const recorded = [...ledger.payments.values()];
    expect(new Set(recorded.map((p) => p.transfer.txid))).toEqual(new Set(sent));
    expect(recorded).toHaveLength(14);
    for (const p of recorded) {
      expect(p.blockHash).toBe((await blockOf(p.transfer.txid as Hex)).blockHash);
    }
    const records = ledger.calls.filter((c) => c.startsWith('record'));
    expect(new Set(records).size).toBe(records.length);
  });

  it('keeps watching after the node was unreachable, then catches up without a gap', async () => {
    const rpc = await proxy();
    const { ledger, watchList, startWatcher, caughtUp } = await setup({ url: rpc.url });
    const addresses: Address[] = [fresh(), fresh(), fresh()];
    addresses.forEach((a) => watchList.watch(a, 'ETH'));
    const watcher = await startWatcher();
    await caughtUp();

    await rpc.down();
    const paid: Hex[] = [];
    for (const a of addresses) {
      paid.push(await sendEth(chain, a, 10n ** 15n));
      await mine(chain, 5);
    }
    await waitFor('the outage to show in health', () => !watcher.health().nodeReachable);
    expect(watcher.health().lastError).toBeTruthy();
    expect(ledger.payments.size).toBe(0);

    await rpc.up();
    await caughtUp();
    expect(watcher.health()).toMatchObject({
      nodeReachable: true,
      lastError: null,
      height: await headHeight(chain),
    });
    expect([...ledger.payments.values()].map((p) => p.transfer.txid)).toEqual(paid);
  });
});

describe('EVM watcher: provider limits', () => {
  it('waits for a node that reports a head behind its cursor instead of rolling payments back', async () => {
    const rpc = await proxy();
    const { ledger, watchList, startWatcher, caughtUp } = await setup({ url: rpc.url });
    const address = fresh();
    watchList.watch(address, 'ETH');
    const watcher = await startWatcher();
    const txid = await sendEth(chain, address, 42n);
    await mine(chain, 2);
    await caughtUp();
    const height = ledger.payments.get(`${txid}:-1`)?.blockHeight;
    expect(height).toBeTypeOf('number');

    rpc.lagBlocks = 3;
    await waitFor('the lagging head to be seen', () => watcher.health().nodeHeight! < ledger.tip);
    const polled = rpc.laggedHeads;
    await waitFor('three more polls of the lagging node', () => rpc.laggedHeads >= polled + 3);
    expect(ledger.calls.filter((c) => c.startsWith('disconnect'))).toEqual([]);
    expect(ledger.payments.get(`${txid}:-1`)?.blockHeight).toBe(height);

    rpc.lagBlocks = 0;
    await mine(chain, 2);
    await caughtUp();
    expect(ledger.calls.filter((c) => c.startsWith('disconnect'))).toEqual([]);
  });

  it('splits eth_getLogs ranges the provider refuses, and still sees every transfer', async () => {
    const rpc = await proxy();
    const { ledger, watchList, startWatcher, caughtUp } = await setup({
      url: rpc.url,
      batchBlocks: 25,
    });
    const address = fresh();
    watchList.watch(address, 'USDT_ERC20');
    const first = await startWatcher();
    await caughtUp();
    await first.stop();

    rpc.maxLogRange = 3;
    const paid: Hex[] = [];
    for (let i = 0; i < 6; i++) {
      paid.push(await sendToken(chain, chain.usdt, address, 1_000_000n + BigInt(i)));
      await mine(chain, 3);
    }
    rpc.logRanges.length = 0;
    await startWatcher();
    await caughtUp();
    expect(ledger.to(address).map((p) => p.transfer.txid)).toEqual(paid);
    expect(rpc.logRanges.some(([from, to]) => to - from + 1 > 3)).toBe(true);
    expect(rpc.logRanges.filter(([from, to]) => to - from + 1 <= 3).length).toBeGreaterThan(1);
  });
});
