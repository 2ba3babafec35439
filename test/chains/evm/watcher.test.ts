/** The EVM watcher against a real node: anvil with OpenZeppelin ERC-20 tokens compiled by solc. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EvmWatcher, type EvmWatcherOptions } from '../../../src/chains/evm/index.js';
import { EvmRpc } from '../../../src/chains/evm/rpc.js';
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
import { deployContract, quirkyToken } from '../../support/forwarder/chain.js';

let chain: EvmTestChain;
let nextIndex = 0;
const running: EvmWatcher[] = [];
const stores: Store[] = [];

beforeAll(async () => {
  chain = await startEvmTestChain();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.stop()));
  await Promise.all(stores.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await chain?.close();
});

async function setup(overrides: Partial<EvmWatcherOptions> = {}) {
  const ledger = new RecordingLedger();
  const watchList = new MemoryWatchList(ledger);
  const { cursor, store } = await freshCursorStore();
  stores.push(store, ledger.store);
  const options: EvmWatcherOptions = {
    url: chain.anvil.url,
    chainId: chain.anvil.chainId,
    tokens: { USDT_ERC20: chain.usdt, TUSD_ERC20: chain.tusd },
    ledger,
    watchList,
    cursor,
    pollMs: 50,
    batchBlocks: 10,
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
  return { ledger, watchList, cursor, options, startWatcher };
}

const some = <T>(items: T[]) => (items.length > 0 ? (items as [T, ...T[]]) : undefined);
const fresh = () => merchantAddress(nextIndex++);
const caughtUp = async (ledger: RecordingLedger) => {
  const head = await headHeight(chain);
  await waitFor(`watcher at head ${head}`, () => ledger.tip >= head);
};

describe('EVM watcher on anvil', () => {
  it('refuses to start against a node of another chain id', async () => {
    const { startWatcher } = await setup({ chainId: 1 });
    await expect(startWatcher()).rejects.toThrow(/chain id 31337, but ETH_CHAIN_ID is 1/);
  });

  it('credits an ETH payment to a watched address and counts confirmations by depth', async () => {
    const { ledger, watchList, startWatcher } = await setup();
    const address = fresh();
    const stranger = fresh();
    watchList.watch(address, 'ETH');
    await startWatcher();
    const txid = await sendEth(chain, address, 1_234_567_890_123_456_789n);
    await sendEth(chain, stranger, 10n ** 18n);
    const [payment] = await waitFor('ETH payment', () => some(ledger.to(address)));
    expect(payment.transfer).toMatchObject({
      chain: 'ETH',
      txid,
      index: -1,
      currency: 'ETH',
      address,
    });
    expect(payment.transfer.amount).toBe(1_234_567_890_123_456_789n);
    const receipt = await chain.client.getTransactionReceipt({ hash: txid });
    expect(payment.blockHash).toBe(receipt.blockHash);
    expect(payment.blockHeight).toBe(Number(receipt.blockNumber));

    await caughtUp(ledger);
    const before = ledger.confirmations(payment);
    await mine(chain, 11);
    await caughtUp(ledger);
    expect(ledger.confirmations(payment)).toBe(before + 11);
    expect(ledger.to(stranger)).toEqual([]);
  });

  it('credits ETH that a contract sends by internal calls, once, beside plain payments', async () => {
    const { ledger, watchList, startWatcher } = await setup();
    const [a, b] = [fresh(), fresh()];
    watchList.watch(a, 'ETH');
    watchList.watch(b, 'ETH');
    const batcher = await deployContract(chain, quirkyToken('BatchPayer'), [], chain.payer);
    await startWatcher();
    const hash = await chain.wallet.writeContract({
      address: batcher,
      abi: quirkyToken('BatchPayer').abi,
      functionName: 'pay',
      args: [
        [a, b],
        [100n, 200n],
      ],
      value: 300n,
      account: chain.payer,
      chain: chain.wallet.chain,
    });
    const receipt = await chain.client.waitForTransactionReceipt({ hash });
    const plain = await sendEth(chain, a, 50n);
    await mine(chain, 2);
    await caughtUp(ledger);
    const byA = ledger
      .to(a)
      .map((p) => [p.transfer.txid, p.transfer.amount, p.blockHeight])
      .sort((x, y) => Number(x[2]) - Number(y[2]));
    const plainReceipt = await chain.client.getTransactionReceipt({ hash: plain });
    // Without a trace API the block names the internal payment.
    expect(byA).toEqual([
      [receipt.blockHash, 100n, Number(receipt.blockNumber)],
      [plain, 50n, Number(plainReceipt.blockNumber)],
    ]);
    expect(ledger.to(b).map((p) => p.transfer.amount)).toEqual([200n]);
  });

  it('credits a payment mined between a round starting and reading the head, to an address handed out meanwhile', async () => {
    const { ledger, watchList, startWatcher } = await setup();
    const address = fresh();
    // Quotes committed since the last refresh reach the list only at the next refresh, as from the store.
    const committed: string[] = [];
    const refresh = watchList.refresh.bind(watchList);
    watchList.refresh = async () => {
      for (const a of committed.splice(0)) watchList.watch(a, 'ETH');
      await refresh();
    };
    let armed = false;
    let txid: string | undefined;
    // The node's answer to "what is the head?" already holds a payment to an address created
    // an instant before it: the worst interleaving of a create, a payment and a watcher round.
    class RacingRpc extends EvmRpc {
      override async blockNumber(): Promise<number> {
        if (armed) {
          armed = false;
          committed.push(address);
          txid = await sendEth(chain, address, 777n);
          await chain.client.waitForTransactionReceipt({ hash: txid as `0x${string}` });
        }
        return super.blockNumber();
      }
    }
    await startWatcher({ rpc: new RacingRpc({ url: chain.anvil.url }) });
    await caughtUp(ledger);
    armed = true;
    const [payment] = await waitFor('payment to the address handed out mid-round', () =>
      some(ledger.to(address)),
    );
    expect(payment.transfer.txid).toBe(txid);
    expect(payment.transfer.amount).toBe(777n);
  });

  it('ignores an ETH transaction to a watched address that reverted', async () => {
    const { ledger, watchList, startWatcher } = await setup();
    // A contract without a payable fallback stands in for a destination that rejects ETH.
    watchList.watch(chain.usdt, 'ETH');
    await startWatcher();
    const reverted = await sendEth(chain, chain.usdt, 5n, 100_000n);
    const receipt = await chain.client.waitForTransactionReceipt({ hash: reverted });
    expect(receipt.status).toBe('reverted');
    await mine(chain);
    await caughtUp(ledger);
    expect(ledger.to(chain.usdt)).toEqual([]);
  });

  it('credits USDT-like (6 decimals) and TUSD-like (18 decimals) payments with their currency codes', async () => {
    const { ledger, watchList, startWatcher } = await setup();
    const usdtAddress = fresh();
    const tusdAddress = fresh();
    watchList.watch(usdtAddress, 'USDT_ERC20');
    watchList.watch(tusdAddress, 'TUSD_ERC20');
    await startWatcher();
    const usdtTx = await sendToken(chain, chain.usdt, usdtAddress, 12_345_678n);
    const tusdTx = await sendToken(chain, chain.tusd, tusdAddress, 99_999_999_999_999_999_999n);
    const [usdt] = await waitFor('USDT payment', () => some(ledger.to(usdtAddress)));
    const [tusd] = await waitFor('TUSD payment', () => some(ledger.to(tusdAddress)));
    expect(usdt.transfer).toMatchObject({
      txid: usdtTx,
      currency: 'USDT_ERC20',
      amount: 12_345_678n,
    });
    expect(tusd.transfer).toMatchObject({
      txid: tusdTx,
      currency: 'TUSD_ERC20',
      amount: 99_999_999_999_999_999_999n,
    });
    const usdtReceipt = await chain.client.getTransactionReceipt({ hash: usdtTx });
    expect(usdt.transfer.index).toBe(usdtReceipt.logs[0]?.logIndex);
  });

  it('credits both transfers of one batch transaction, each under its own log index', async () => {
    const { ledger, watchList, startWatcher } = await setup();
    const a = fresh();
    const b = fresh();
    watchList.watch(a, 'USDT_ERC20');
    watchList.watch(b, 'USDT_ERC20');
    await startWatcher();
    const txid = await batchTransfer(
      chain,
      chain.usdt,
      [a, b, a],
      [1_000_000n, 2_000_000n, 3_000_000n],
    );
    await waitFor('three transfers', () => ledger.payments.size === 3);
    const seen = [...ledger.payments.values()].map((p) => [
      p.transfer.txid,
      p.transfer.index,
      p.transfer.amount,
    ]);
    const receipt = await chain.client.getTransactionReceipt({ hash: txid });
    expect(seen).toEqual(
      receipt.logs.map((l, i) => [txid, l.logIndex, [1_000_000n, 2_000_000n, 3_000_000n][i]]),
    );
    expect(new Set(seen.map((s) => s[1])).size).toBe(3);
  });

  it('ignores transfers of tokens that are not configured and transfers to unwatched addresses', async () => {
    const { ledger, watchList, startWatcher } = await setup({ tokens: { USDT_ERC20: chain.usdt } });
    const watched = fresh();
    watchList.watch(watched, 'USDT_ERC20');
    await startWatcher();
    await sendToken(chain, chain.tusd, watched, 5n);
    await sendToken(chain, chain.usdt, fresh(), 5n);
    const paid = await sendToken(chain, chain.usdt, watched, 7n);
    await waitFor('the USDT payment', () => ledger.to(watched).length > 0);
    await caughtUp(ledger);
    expect(ledger.to(watched).map((p) => p.transfer.txid)).toEqual([paid]);
    expect(ledger.payments.size).toBe(1);
  });

  it('starts from the current head when it has no cursor', async () => {
    const { ledger, watchList, startWatcher } = await setup();
    const address = fresh();
    watchList.watch(address, 'ETH');
    await sendEth(chain, address, 1n);
    await mine(chain);
    await startWatcher();
    const later = await sendEth(chain, address, 2n);
    await waitFor('the later payment', () => ledger.to(address).length > 0);
    await caughtUp(ledger);
    expect(ledger.to(address).map((p) => p.transfer.txid)).toEqual([later]);
  });
});
