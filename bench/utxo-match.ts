/**
 * UTXO watcher figures:
 * - matching a block of 4,000 transactions / 10,000 outputs against 1,000,000
 *   watched addresses (no RPC), next to parsing that block's JSON (plain
 *   JSON.parse, and the exact-amount parse the RPC client really does);
 * - detection latency from `sendtoaddress` to the recorded payment, against
 *   litecoind regtest with the default poll interval.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { bech32 } from '@scure/base';
import type { WatchedAddress, WatchList } from '../src/app/ports/chain.js';
import { parseExactJson } from '../src/chains/utxo/exact-json.js';
import { matchBlock } from '../src/chains/utxo/match.js';
import type { NodeBlock } from '../src/chains/utxo/node-types.js';

const TXS = 4_000;
const OUTPUTS = 10_000;
const WATCHED = 1_000_000;
const MATCHING_OUTPUTS = 100;

function address(): string {
  return bech32.encode('ltc', [0, ...bech32.toWords(randomBytes(20))]);
}

class MapWatchList implements WatchList {
  readonly byAddress = new Map<string, WatchedAddress>();
  lookup(chain: string, a: string): WatchedAddress | undefined {
    return chain === 'LTC' ? this.byAddress.get(a) : undefined;
  }
  size(): number {
    return this.byAddress.size;
  }
  async refresh(): Promise<void> {}
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A block as `getblock <hash> 2` prints it (Litecoin Core 0.21 field set), amounts as JSON numbers. */
function syntheticBlockJson(watched: readonly string[]): string {
  const txs: string[] = [];
  let matched = 0;
  for (let t = 0; t < TXS; t++) {
    const outputs = t < OUTPUTS - 2 * TXS ? 3 : 2; // 2,000 txs with 3 outputs, 2,000 with 2 = 10,000
    const vout: string[] = [];
    for (let n = 0; n < outputs; n++) {
      const pays =
        matched < MATCHING_OUTPUTS && (t * 3 + n) % 97 === 0
          ? watched[matched++ * 7919]!
          : address();
      const h160 = hex(20);
      vout.push(
        `{"ismweb":false,"value":${(Math.floor(Math.random() * 1e9) / 1e8).toFixed(8)},"n":${n},"scriptPubKey":{"asm":"0 ${h160}","hex":"0014${h160}","reqSigs":1,"type":"witness_v0_keyhash","addresses":["${pays}"]}}`,
      );
    }
    const txid = hex(32);
    txs.push(
      `{"txid":"${txid}","hash":"${hex(32)}","version":2,"size":222,"vsize":141,"weight":561,"locktime":0,"vin":[{"ismweb":false,"txid":"${hex(32)}","vout":0,"scriptSig":{"asm":"","hex":""},"txinwitness":["${hex(71)}","${hex(33)}"],"sequence":4294967293}],"vout":[${vout.join(',')}],"hex":"${hex(222)}"}`,
    );
  }
  return `{"hash":"${hex(32)}","confirmations":1,"strippedsize":900000,"size":1500000,"weight":3990000,"height":2500000,"version":536870912,"versionHex":"20000000","merkleroot":"${hex(32)}","tx":[${txs.join(',')}],"time":1700000000,"mediantime":1699999000,"nonce":1,"bits":"1a01a2b3","difficulty":23456789.12345678,"chainwork":"${hex(32)}","nTx":${TXS},"previousblockhash":"${hex(32)}"}`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(runs: number, fn: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return Math.round(median(samples) * 100) / 100;
}

export async function benchUtxo(): Promise<Record<string, string | number>> {
  const watchList = new MapWatchList();
  const watched: string[] = [];
  for (let i = 0; i < WATCHED; i++) {
    const a = address();
    watched.push(a);
    watchList.byAddress.set(a, {
      address: a,
      currency: 'LTC',
      invoiceId: `inv${i}`,
      quoteId: `q${i}`,
    });
  }
  const text = syntheticBlockJson(watched);
  const block = parseExactJson(text) as NodeBlock;
  let found = 0;
  const matchMs = time(21, () => {
    found = matchBlock(block.tx, 'LTC', watchList, {
      hash: block.hash,
      height: block.height,
    }).length;
  });
  const parseMs = time(11, () => JSON.parse(text));
  const exactParseMs = time(11, () => parseExactJson(text));
  const latency = await detectionLatency().catch((err: Error) => ({ error: err.message }));
  return {
    'utxo block transactions': TXS,
    'utxo block outputs': block.tx.reduce((n, tx) => n + tx.vout.length, 0),
    'utxo watched addresses': watchList.size(),
    'utxo block JSON size (MB)': Math.round((text.length / 1e6) * 100) / 100,
    'utxo outputs matched': found,
    'utxo match block, ms (median)': matchMs,
    'utxo JSON.parse block, ms (median)': parseMs,
    'utxo exact-amount parse block, ms (median)': exactParseMs,
    ...('error' in latency
      ? { 'utxo detection latency': `not measured: ${latency.error}` }
      : {
          'utxo detection latency sendtoaddress -> recorded, poll 1000 ms, median ms':
            latency.poll1000,
          'utxo detection latency sendtoaddress -> recorded, poll 100 ms, median ms':
            latency.poll100,
        }),
  };
}

/** Median time from `sendtoaddress` returning to the watcher recording the payment, over 5 payments per interval. */
async function detectionLatency(): Promise<{ poll1000: number; poll100: number }> {
  const { startLitecoind } = await import('../test/support/litecoind.js');
  const { UtxoWatcher } = await import('../src/chains/utxo/watcher.js');
  const { MemoryCursorStore, MemoryWatchList, RecordingLedger, regtestAccounts } =
    await import('../test/chains/utxo/fixtures.js');
  const { deriveUtxoAddress } = await import('../src/chains/utxo/index.js');
  const ltc = await startLitecoind();
  const key = regtestAccounts().bip84.vpub;
  let index = 0;
  const out: Record<number, number> = {};
  try {
    for (const pollMs of [1000, 100]) {
      const ledger = new RecordingLedger();
      const watchList = new MemoryWatchList(ledger);
      const watcher = new UtxoWatcher({
        chain: 'LTC',
        currency: 'LTC',
        rpc: ltc.node,
        ledger,
        watchList,
        cursor: new MemoryCursorStore(),
        pollMs,
      });
      await watcher.start();
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        const a = deriveUtxoAddress({ key, index: index++, chain: 'LTC', network: 'regtest' });
        watchList.add('LTC', a);
        await ltc.walletRpc('sendtoaddress', a, '0.01');
        const t0 = performance.now();
        while (ledger.paymentsTo(a).length === 0) await new Promise((r) => setTimeout(r, 2));
        samples.push(performance.now() - t0);
        // Spread the sends over the poll cycle.
        await new Promise((r) => setTimeout(r, (pollMs * (i + 1)) / 7));
      }
      await watcher.stop();
      out[pollMs] = Math.round(median(samples));
    }
  } finally {
    await ltc.destroy();
  }
  return { poll1000: out[1000]!, poll100: out[100]! };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await benchUtxo();
  for (const [k, v] of Object.entries(figures)) console.log(`${k}: ${v}`);
}
