/**
 * EVM watcher throughput: blocks per second over 1,000 anvil blocks carrying
 * ERC-20 batch transfers and ETH sends, with 100,000 open addresses watched.
 * Run alone with `npx tsx bench/evm-scan.ts`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { encodeDeployData, encodeFunctionData, getAddress, type Address, type Hex } from 'viem';
import type {
  ObservedTransfer,
  PaymentLedger,
  WatchedAddress,
  WatchList,
} from '../src/app/ports/chain.js';
import { EvmWatcher } from '../src/chains/evm/index.js';
import { chainCursorStore } from '../src/store/chain-cursor-repository.js';
import { migrateToLatest, openStore } from '../src/store/database.js';
import { startAnvil, type Anvil } from '../test/support/anvil.js';
import { loadTestToken } from '../test/support/erc20/token.js';

const BLOCKS = 1000;
const WATCHED = 100_000;
const TOKEN_TXS_PER_BLOCK = 2;
const RECIPIENTS_PER_TX = 20;
const ETH_TXS_PER_BLOCK = 1;
/** One transfer in this many goes to a watched address. */
const WATCHED_SHARE = 10;

const randomAddress = (): Address => getAddress(`0x${randomBytes(20).toString('hex')}`);
const hex = (n: number | bigint) => `0x${n.toString(16)}`;

class BenchWatchList implements WatchList {
  readonly byAddress = new Map<string, WatchedAddress>();
  lookup(_chain: string, address: string) {
    return this.byAddress.get(address.toLowerCase());
  }
  size() {
    return this.byAddress.size;
  }
  async refresh() {}
}

class CountingLedger implements PaymentLedger {
  payments = 0;
  tip = 0;
  onTip: (height: number) => void = () => {};
  async recordTransfer(_t: ObservedTransfer) {
    this.payments++;
  }
  async tipChanged(_chain: string, height: number) {
    this.tip = height;
    this.onTip(height);
  }
  async blocksDisconnected() {}
  async transactionDropped() {}
  async unminedTransactions() {
    return [];
  }
}

async function batchRpc(
  anvil: Anvil,
  calls: { method: string; params: unknown[] }[],
): Promise<void> {
  const res = await fetch(anvil.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(calls.map((c, id) => ({ jsonrpc: '2.0', id, ...c }))),
  });
  const answers = (await res.json()) as { error?: { message: string } }[];
  const failed = answers.find((a) => a.error);
  if (failed) throw new Error(`anvil: ${failed.error?.message}`);
}

/** Fills the chain with token and ETH traffic; returns the number of Transfer logs sent. */
async function mineTraffic(
  anvil: Anvil,
  token: Address,
  from: Address,
  watched: Address[],
): Promise<number> {
  const { abi } = loadTestToken();
  await anvil.rpc('evm_setAutomine', [false]);
  let nonce = Number(await anvil.rpc<Hex>('eth_getTransactionCount', [from, 'pending']));
  let logs = 0;
  let pick = 0;
  const recipient = () =>
    pick++ % WATCHED_SHARE === 0 ? watched[pick % watched.length]! : randomAddress();
  const fees = { maxFeePerGas: hex(10n ** 11n), maxPriorityFeePerGas: hex(10n ** 9n) };
  for (let b = 0; b < BLOCKS; b++) {
    const calls: { method: string; params: unknown[] }[] = [];
    for (let t = 0; t < TOKEN_TXS_PER_BLOCK; t++) {
      const to = Array.from({ length: RECIPIENTS_PER_TX }, recipient);
      const data = encodeFunctionData({
        abi,
        functionName: 'batchTransfer',
        args: [to, to.map((_, i) => BigInt(i + 1))],
      });
      calls.push({
        method: 'eth_sendTransaction',
        params: [{ from, to: token, data, gas: hex(1_500_000), nonce: hex(nonce++), ...fees }],
      });
      logs += RECIPIENTS_PER_TX;
    }
    for (let t = 0; t < ETH_TXS_PER_BLOCK; t++) {
      calls.push({
        method: 'eth_sendTransaction',
        params: [
          {
            from,
            to: recipient(),
            value: hex(1000 + t),
            gas: hex(21_000),
            nonce: hex(nonce++),
            ...fees,
          },
        ],
      });
    }
    await batchRpc(anvil, calls);
    await anvil.rpc('evm_mine');
  }
  await anvil.rpc('evm_setAutomine', [true]);
  return logs;
}

async function deployToken(anvil: Anvil, from: Address): Promise<Address> {
  const { abi, bytecode } = loadTestToken();
  const data = encodeDeployData({ abi, bytecode, args: ['Tether USD', 'USDT', 6, 10n ** 18n] });
  const hash = await anvil.rpc<Hex>('eth_sendTransaction', [{ from, data, gas: hex(3_000_000) }]);
  for (let attempt = 0; attempt < 200; attempt++) {
    const receipt = await anvil.rpc<{ contractAddress: Address } | null>(
      'eth_getTransactionReceipt',
      [hash],
    );
    if (receipt) return receipt.contractAddress;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('token deployment was not mined');
}

export async function benchEvm(): Promise<Record<string, string | number>> {
  const anvil = await startAnvil({ extraArgs: ['--gas-limit', '60000000'] });
  const dir = mkdtempSync(path.join(tmpdir(), 'kassa-bench-evm-'));
  const store = openStore({ sqlitePath: path.join(dir, 'kassa.sqlite') });
  try {
    await migrateToLatest(store);
    const [from] = await anvil.rpc<Address[]>('eth_accounts');
    if (!from) throw new Error('anvil has no accounts');
    const token = await deployToken(anvil, from);

    const watchList = new BenchWatchList();
    const watched: Address[] = [];
    for (let i = 0; i < WATCHED; i++) {
      const address = randomAddress();
      watched.push(address);
      watchList.byAddress.set(address.toLowerCase(), {
        quoteId: `q${i}`,
        invoiceId: `inv${i}`,
        currency: i % 2 ? 'USDT_ERC20' : 'ETH',
        address,
      });
    }

    const start = Number(await anvil.rpc<Hex>('eth_blockNumber'));
    const logs = await mineTraffic(anvil, token, from, watched.slice(0, 5000));
    const end = start + BLOCKS;

    const cursor = chainCursorStore(store.db);
    const base = await anvil.rpc<{ hash: string; parentHash: string }>('eth_getBlockByNumber', [
      hex(start),
      false,
    ]);
    await cursor.advance('ETH', { height: start, hash: base.hash, parentHash: base.parentHash });
    const ledger = new CountingLedger();
    const done = new Promise<void>((resolve) => (ledger.onTip = (h) => h >= end && resolve()));
    const watcher = new EvmWatcher({
      url: anvil.url,
      chainId: anvil.chainId,
      tokens: { USDT_ERC20: token },
      ledger,
      watchList,
      cursor,
      pollMs: 50,
      batchBlocks: 100,
    });
    const t0 = performance.now();
    await watcher.start();
    await done;
    const seconds = (performance.now() - t0) / 1000;
    await watcher.stop();
    return {
      'evm.blocks': BLOCKS,
      'evm.watched_addresses': watchList.size(),
      'evm.token_transfer_logs': logs,
      'evm.eth_transactions': BLOCKS * ETH_TXS_PER_BLOCK,
      'evm.payments_matched': ledger.payments,
      'evm.seconds': Number(seconds.toFixed(2)),
      'evm.blocks_per_second': Math.round(BLOCKS / seconds),
      'evm.transfer_logs_per_second': Math.round(logs / seconds),
    };
  } finally {
    await store.close();
    await anvil.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const t = performance.now();
  const figures = await benchEvm();
  console.table(figures);
  console.log(`(bench ran ${((performance.now() - t) / 1000).toFixed(1)} s including chain setup)`);
}
