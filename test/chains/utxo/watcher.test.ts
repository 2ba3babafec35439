import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deriveUtxoAddress } from '../../../src/chains/utxo/index.js';
import { coinsToUnits } from '../../../src/chains/utxo/exact-json.js';
import { UtxoRpc } from '../../../src/chains/utxo/rpc.js';
import { UtxoWatcher, type UtxoWatcherOptions } from '../../../src/chains/utxo/watcher.js';
import { formatUnits } from '../../../src/domain/money.js';
import { startLitecoind, type Litecoind } from '../../support/litecoind.js';
import {
  eventually,
  MemoryCursorStore,
  MemoryWatchList,
  RecordingLedger,
  regtestAccounts,
} from './fixtures.js';

interface VerboseTx {
  txid: string;
  vin: { txid: string; vout: number }[];
  vout: { value: string; n: number; scriptPubKey: { hex: string } }[];
}

describe('UTXO watcher against litecoind (regtest), recording into the payment recorder', () => {
  let ltc: Litecoind;
  const key = regtestAccounts().bip84.vpub;
  let nextIndex = 0;
  const watchers: UtxoWatcher[] = [];

  beforeAll(async () => {
    ltc = await startLitecoind();
  });
  afterEach(async () => {
    await Promise.all(watchers.splice(0).map((w) => w.stop()));
  });
  afterAll(async () => {
    await ltc?.destroy();
  });

  function setup(overrides: Partial<UtxoWatcherOptions> = {}) {
    const ledger = new RecordingLedger();
    const watchList = new MemoryWatchList(ledger);
    const cursor = new MemoryCursorStore();
    const watcher = new UtxoWatcher({
      chain: 'LTC',
      currency: 'LTC',
      rpc: ltc.node,
      ledger,
      watchList,
      cursor,
      pollMs: 100,
      ...overrides,
    });
    watchers.push(watcher);
    const watchNew = () => {
      const address = deriveUtxoAddress({
        key,
        index: nextIndex++,
        chain: 'LTC',
        network: 'regtest',
      });
      watchList.add('LTC', address);
      return address;
    };
    return { watcher, watchList, ledger, cursor, watchNew };
  }

  async function started(w: UtxoWatcher): Promise<void> {
    await w.start();
    await eventually(() => w.health().height !== null, 'watcher at the tip');
  }

  /**
   * A transaction spending the inputs of `txid` again, to a wallet address.
   * Litecoin Core's mempool takes no replacements, so tests mine it directly
   * (generateblock), as a miner taking a conflicting transaction would.
   */
  async function conflictingTx(txid: string): Promise<{ txid: string; hex: string }> {
    const tx = await ltc.rpc<VerboseTx>('getrawtransaction', txid, true);
    let total = 0n;
    for (const i of tx.vin) {
      const prev = await ltc.rpc<VerboseTx>('getrawtransaction', i.txid, true);
      total += coinsToUnits(prev.vout[i.vout]!.value);
    }
    const to = await ltc.walletRpc<string>('getnewaddress');
    const inputs = tx.vin.map((i) => ({ txid: i.txid, vout: i.vout }));
    const raw = await ltc.walletRpc<string>('createrawtransaction', inputs, [
      { [to]: formatUnits(total - 200_000n, 8) },
    ]);
    const signed = await ltc.walletRpc<{ hex: string }>('signrawtransactionwithwallet', raw);
    const decoded = await ltc.rpc<{ txid: string }>('decoderawtransaction', signed.hex);
    return { txid: decoded.txid, hex: signed.hex };
  }

  it('reports a payment pending at mempool sight, then confirmed in its block, confirmations growing per block', async () => {
    const { watcher, ledger, watchNew } = setup();
    await started(watcher);
    const address = watchNew();
    const txid = await ltc.walletRpc<string>('sendtoaddress', address, '0.015');
    const pending = await eventually(() => ledger.paymentsTo(address)[0], 'mempool payment');
    expect(pending).toMatchObject({
      txid,
      address,
      amount: 1_500_000n,
      currency: 'LTC',
      blockHash: null,
      rbf: true,
    });
    const [blockHash] = await ltc.mine(1);
    const height = await ltc.height();
    const mined = await eventually(
      () => ledger.paymentsTo(address).find((p) => p.blockHash !== null),
      'confirmed payment',
    );
    expect(mined).toMatchObject({ txid, blockHash, blockHeight: height, amount: 1_500_000n });
    await ltc.mine(1);
    await eventually(() => ledger.tip === height + 1, 'next tip');
    expect(ledger.confirmations(ledger.paymentsTo(address)[0]!)).toBe(2);
    expect(ledger.paymentsTo(address)).toHaveLength(1);
  });

  it('records two outputs to the same address in one transaction as two payments', async () => {
    const { watcher, ledger, watchNew } = setup();
    await started(watcher);
    const address = watchNew();
    const dummy = await ltc.walletRpc<string>('getnewaddress', '', 'bech32');
    const script = async (a: string) =>
      (await ltc.rpc<{ scriptPubKey: string }>('validateaddress', a)).scriptPubKey;
    const raw = await ltc.walletRpc<string>(
      'createrawtransaction',
      [],
      [{ [address]: '0.011' }, { [dummy]: '0.022' }],
    );
    // The node refuses duplicate destinations, so the second output is re-pointed in the raw bytes.
    const patched = raw.replace(await script(dummy), await script(address));
    const funded = await ltc.walletRpc<{ hex: string }>('fundrawtransaction', patched);
    const signed = await ltc.walletRpc<{ hex: string }>('signrawtransactionwithwallet', funded.hex);
    const txid = await ltc.rpc<string>('sendrawtransaction', signed.hex);
    const payments = await eventually(() => {
      const p = ledger.paymentsTo(address);
      return p.length === 2 ? p : undefined;
    }, 'both outputs');
    expect(payments.map((p) => p.txid)).toEqual([txid, txid]);
    expect(payments.map((p) => p.amount).sort()).toEqual([1_100_000n, 2_200_000n]);
    expect(new Set(payments.map((p) => p.index)).size).toBe(2);
  });

  it('flags a payment replaceable only when one of its inputs signals BIP125', async () => {
    const { watcher, ledger, watchNew } = setup();
    await started(watcher);
    const final = watchNew();
    const replaceable = watchNew();
    await ltc.walletRpc('sendtoaddress', final, '0.01', '', '', false, false);
    await ltc.walletRpc('sendtoaddress', replaceable, '0.01', '', '', false, true);
    const a = await eventually(() => ledger.paymentsTo(final)[0], 'non-RBF payment');
    const b = await eventually(() => ledger.paymentsTo(replaceable)[0], 'RBF payment');
    expect(a.rbf).toBe(false);
    expect(b.rbf).toBe(true);
  });

  it('turns a confirmed payment back to unconfirmed on a reorg and confirms it again on the competing chain', async () => {
    const { watcher, ledger, watchNew } = setup();
    await started(watcher);
    const address = watchNew();
    const txid = await ltc.walletRpc<string>('sendtoaddress', address, '0.02');
    const [orphan] = await ltc.mine(1);
    const height = await ltc.height();
    await eventually(
      () => ledger.paymentsTo(address)[0]?.blockHash === orphan,
      'payment in the first block',
    );
    await ltc.rpc('invalidateblock', orphan);
    const [replacement] = await ltc.mine(2);
    const confirmedAgain = await eventually(
      () => ledger.paymentsTo(address).find((p) => p.blockHash === replacement),
      'payment in the competing block',
    );
    expect(confirmedAgain).toMatchObject({ txid, blockHeight: height, dropped: false });
    expect(ledger.events).toContainEqual({ kind: 'disconnected', fromHeight: height });
    expect(ledger.events.some((e) => e.kind === 'dropped')).toBe(false);
    await eventually(() => watcher.health().height === height + 1, 'watcher on the longer chain');
  });

  it('drops a confirmed payment whose block was orphaned and whose inputs the new chain spends elsewhere', async () => {
    const { watcher, ledger, watchNew } = setup();
    await started(watcher);
    const address = watchNew();
    const txid = await ltc.walletRpc<string>('sendtoaddress', address, '0.03');
    const [orphan] = await ltc.mine(1);
    const height = await ltc.height();
    await eventually(
      () => ledger.paymentsTo(address)[0]?.blockHash === orphan,
      'payment confirmed',
    );
    await ltc.rpc('invalidateblock', orphan);
    const conflict = await conflictingTx(txid);
    await ltc.mineWith([conflict.hex]);
    await ltc.mine(1);
    await eventually(() => ledger.paymentsTo(address)[0]?.dropped, 'payment dropped');
    expect(ledger.events).toContainEqual({ kind: 'disconnected', fromHeight: height });
    expect(ledger.events).toContainEqual({ kind: 'dropped', txid });
    expect(ledger.paymentsTo(address)[0]).toMatchObject({ blockHash: null });
    await eventually(() => watcher.health().height === height + 1, 'watcher on the new chain');
  });

  it('stops counting an unconfirmed payment when a block double-spends its inputs', async () => {
    const { watcher, ledger, watchNew } = setup();
    await started(watcher);
    const address = watchNew();
    const txid = await ltc.walletRpc<string>('sendtoaddress', address, '0.04');
    await eventually(() => ledger.paymentsTo(address)[0], 'pending payment');
    const conflict = await conflictingTx(txid);
    const block = await ltc.mineWith([conflict.hex]);
    await eventually(() => ledger.paymentsTo(address)[0]?.dropped, 'payment dropped');
    const tip = await ltc.height();
    await eventually(() => watcher.health().height === tip, 'block processed');
    expect(ledger.paymentsTo(address)).toEqual([
      expect.objectContaining({ txid, dropped: true, blockHash: null }),
    ]);
    expect(await ltc.rpc<string[]>('getrawmempool')).not.toContain(txid);
    expect(
      (await ltc.rpc<{ blockhash: string }>('getrawtransaction', conflict.txid, true)).blockhash,
    ).toBe(block);
  });

  it('drops a pending payment that leaves the mempool without confirming', async () => {
    const { watcher, ledger, watchNew } = setup({ maxBackoffMs: 300 });
    await started(watcher);
    // Paid from a second wallet that is unloaded before the node restarts, so nothing rebroadcasts it.
    await ltc.rpc('createwallet', 'payer');
    const payer = new UtxoRpc({
      url: `${ltc.rpcUrl}/wallet/payer`,
      user: ltc.rpcUser,
      password: ltc.rpcPassword,
    });
    await ltc.walletRpc('sendtoaddress', await payer.call<string>('getnewaddress'), '1');
    await ltc.mine(1);
    const address = watchNew();
    const txid = await payer.call<string>('sendtoaddress', [address, '0.05']);
    await eventually(() => ledger.paymentsTo(address)[0], 'pending payment');
    await ltc.rpc('unloadwallet', 'payer');
    await ltc.restart({ dropMempool: true });
    await eventually(() => ledger.paymentsTo(address)[0]?.dropped, 'payment dropped');
    expect(ledger.events).toContainEqual({ kind: 'dropped', txid });
    await eventually(() => watcher.health().nodeReachable, 'node reachable again');
  });

  it('reports a payment dropped while it was stopped, from the unconfirmed payments the store holds', async () => {
    const first = setup();
    await started(first.watcher);
    await ltc.rpc('createwallet', 'payer2');
    const payer = new UtxoRpc({
      url: `${ltc.rpcUrl}/wallet/payer2`,
      user: ltc.rpcUser,
      password: ltc.rpcPassword,
    });
    await ltc.walletRpc('sendtoaddress', await payer.call<string>('getnewaddress'), '1');
    await ltc.mine(1);
    const address = first.watchNew();
    const txid = await payer.call<string>('sendtoaddress', [address, '0.05']);
    await eventually(() => first.ledger.paymentsTo(address)[0], 'pending payment');
    await first.watcher.stop();
    await ltc.rpc('unloadwallet', 'payer2');
    await ltc.restart({ dropMempool: true });
    const restarted = new UtxoWatcher(optionsOf(first));
    watchers.push(restarted);
    await restarted.start();
    await eventually(
      () => first.ledger.paymentsTo(address)[0]?.dropped,
      'payment dropped after restart',
    );
    expect(first.ledger.events).toContainEqual({ kind: 'dropped', txid });
  });

  it('catches up block by block on restart from its cursor, missing nothing mined while it was stopped', async () => {
    const first = setup();
    await started(first.watcher);
    const stoppedAt = first.watcher.health().height!;
    await first.watcher.stop();
    const sent: { address: string; txid: string; block: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const address = first.watchNew();
      const txid = await ltc.walletRpc<string>('sendtoaddress', address, '0.01');
      const [block] = await ltc.mine(2);
      sent.push({ address, txid, block: block! });
    }
    const tip = await ltc.height();
    // A new process: same durable cursor and watch list, bounded batches of two blocks.
    const restarted = new UtxoWatcher({
      chain: 'LTC',
      currency: 'LTC',
      rpc: ltc.node,
      ledger: first.ledger,
      watchList: first.watchList,
      cursor: first.cursor,
      pollMs: 100,
      blockBatch: 2,
    });
    watchers.push(restarted);
    await restarted.start();
    await eventually(() => restarted.health().height === tip, 'caught up');
    for (const s of sent) {
      expect(first.ledger.paymentsTo(s.address)).toEqual([
        expect.objectContaining({ txid: s.txid, blockHash: s.block }),
      ]);
    }
    const tips = first.ledger.events.flatMap((e) =>
      e.kind === 'tip' && e.height > stoppedAt ? [e.height] : [],
    );
    expect(tips).toEqual(Array.from({ length: tip - stoppedAt }, (_, i) => stoppedAt + 1 + i));
  });

  it('starts at a configured height when there is no cursor, and at the node tip otherwise', async () => {
    const early = setup();
    const address = early.watchNew();
    await ltc.walletRpc<string>('sendtoaddress', address, '0.01');
    const [block] = await ltc.mine(1);
    const height = await ltc.height();
    await ltc.mine(1);
    const fromTip = new UtxoWatcher({
      ...optionsOf(early),
      ledger: new RecordingLedger(),
      cursor: new MemoryCursorStore(),
    });
    watchers.push(fromTip);
    await started(fromTip);
    expect(fromTip.health().height).toBe(height + 1);
    const fromHeight = new UtxoWatcher({ ...optionsOf(early), startHeight: height });
    watchers.push(fromHeight);
    await fromHeight.start();
    await eventually(
      () => early.ledger.paymentsTo(address)[0]?.blockHash === block,
      'payment found from the start height',
    );
  });

  function optionsOf(s: ReturnType<typeof setup>): UtxoWatcherOptions {
    return {
      chain: 'LTC',
      currency: 'LTC',
      rpc: ltc.node,
      ledger: s.ledger,
      watchList: s.watchList,
      cursor: s.cursor,
      pollMs: 100,
    };
  }

  it('reacts to notifyBlock at once instead of waiting for the poll interval', async () => {
    const { watcher, ledger, watchNew } = setup({ pollMs: 120_000 });
    await started(watcher);
    const address = watchNew();
    await ltc.walletRpc<string>('sendtoaddress', address, '0.01');
    const [block] = await ltc.mine(1);
    watcher.notifyBlock();
    await eventually(
      () => ledger.paymentsTo(address)[0]?.blockHash === block,
      'payment after notify',
      5_000,
    );
    expect(ledger.paymentsTo(address)).toEqual([
      expect.objectContaining({ address, amount: 1_000_000n, blockHash: block, dropped: false }),
    ]);
  });

  it('refuses a node on another network than the wallet keys, saying so in health', async () => {
    const { watcher, ledger } = setup({ network: 'mainnet' });
    await watcher.start();
    const h = await eventually(
      () => (watcher.health().lastError ? watcher.health() : undefined),
      'network error',
    );
    expect(h.lastError).toBe('the LTC node runs regtest but LTC_NETWORK is mainnet');
    expect(h.height).toBeNull();
    expect(ledger.events).toEqual([]);
  });

  it('follows a node on the configured network', async () => {
    const { watcher } = setup({ network: 'regtest' });
    await started(watcher);
    expect(watcher.health().lastError).toBeNull();
  });

  it('backs off while the node is down, shows it in health, and resumes when the node returns', async () => {
    const { watcher, ledger, watchNew } = setup({ maxBackoffMs: 500 });
    await started(watcher);
    await ltc.stop();
    const down = await eventually(
      () => (watcher.health().nodeReachable ? undefined : watcher.health()),
      'node unreachable',
    );
    expect(down.lastError).toMatch(/unreachable|unavailable/);
    expect(down.running).toBe(true);
    await ltc.restart();
    const address = watchNew();
    await ltc.walletRpc<string>('sendtoaddress', address, '0.01');
    const [block] = await ltc.mine(1);
    await eventually(
      () => ledger.paymentsTo(address)[0]?.blockHash === block,
      'payment after node restart',
    );
    const tip = await ltc.height();
    const h = await eventually(
      () =>
        watcher.health().height === tip && watcher.health().nodeReachable
          ? watcher.health()
          : undefined,
      'healthy at the tip',
    );
    expect(h.lastError).toBeNull();
  });
});

describe('UTXO watcher woken by litecoind -blocknotify', () => {
  let ltc: Litecoind;
  let server: Server;
  const notified: string[] = [];
  let onNotify: () => void = () => undefined;

  beforeAll(async () => {
    try {
      execFileSync('sh', ['-c', 'command -v curl'], { stdio: 'ignore' });
    } catch (err) {
      throw new Error(
        'curl not found: install the Debian package curl (the -blocknotify command uses it)',
        { cause: err },
      );
    }
    server = createServer((req, res) => {
      notified.push(req.url ?? '');
      onNotify();
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    ltc = await startLitecoind({
      args: [`-blocknotify=curl -s -X POST http://127.0.0.1:${port}/blocknotify/LTC/%s`],
    });
  });
  afterAll(async () => {
    await ltc?.destroy();
    await new Promise((r) => server?.close(r));
  });

  it('records a mined payment right after the node announces the block, long before the next poll', async () => {
    const ledger = new RecordingLedger();
    const watchList = new MemoryWatchList(ledger);
    const watcher = new UtxoWatcher({
      chain: 'LTC',
      currency: 'LTC',
      rpc: ltc.node,
      ledger,
      watchList,
      cursor: new MemoryCursorStore(),
      pollMs: 300_000,
    });
    // Notifications of the blocks mined at start-up arrive late on a busy machine; each would wake the
    // watcher, so wait until the last one is in before proving that the new block's own one wakes it.
    const startTip = await ltc.walletRpc<string>('getbestblockhash');
    await eventually(
      () => notified.includes(`/blocknotify/LTC/${startTip}`),
      'start-up notifications delivered',
      30_000,
    );
    onNotify = () => watcher.notifyBlock();
    try {
      await watcher.start();
      await eventually(() => watcher.health().height !== null, 'watcher at the tip');
      const address = deriveUtxoAddress({
        key: regtestAccounts().bip84.vpub,
        index: 5000,
        chain: 'LTC',
        network: 'regtest',
      });
      watchList.add('LTC', address);
      await ltc.walletRpc('sendtoaddress', address, '0.01');
      const [block] = await ltc.mine(1);
      await eventually(
        () => ledger.paymentsTo(address)[0]?.blockHash === block,
        'payment after -blocknotify',
        10_000,
      );
      expect(notified).toContain(`/blocknotify/LTC/${block}`);
    } finally {
      await watcher.stop();
    }
  });
});
