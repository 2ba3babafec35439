/**
 * A real Litecoin Core node in regtest for integration tests: its own temp
 * datadir, RPC bound to 127.0.0.1 (no P2P listener), a wallet with mature
 * coins. Missing binary fails loudly; tests never skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UtxoRpc } from '../../src/chains/utxo/rpc.js';

const CANDIDATES = [
  '/usr/lib/litecoin/litecoind',
  '/usr/bin/litecoind',
  '/usr/local/bin/litecoind',
];
const WALLET = 'kassa-test';

export function findLitecoind(): string {
  const fromEnv = process.env.LITECOIND_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error('litecoind not found: install the Debian package litecoind');
  return found;
}

/** A port nothing listens on right now (litecoind cannot bind port 0 and report it). */
async function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface LitecoindOptions {
  /** Extra command-line arguments, e.g. `-blocknotify=...`. */
  readonly args?: readonly string[];
  /** Blocks mined at start so the wallet has spendable coins (at least 101). */
  readonly initialBlocks?: number;
  /** `cookie`: no rpcuser/rpcpassword, the node writes `.cookie` (rewritten on each start). */
  readonly auth?: 'password' | 'cookie';
}

export interface Litecoind {
  readonly rpcUrl: string;
  readonly rpcUser: string;
  readonly rpcPassword: string;
  readonly datadir: string;
  readonly cookieFile: string;
  readonly rpcPort: number;
  /** Node-level RPC (blocks, mempool, deriveaddresses). */
  readonly node: UtxoRpc;
  /** Wallet RPC (sendtoaddress, getnewaddress, ...). */
  readonly wallet: UtxoRpc;
  rpc<T = unknown>(method: string, ...params: unknown[]): Promise<T>;
  walletRpc<T = unknown>(method: string, ...params: unknown[]): Promise<T>;
  /** Mines `n` blocks to a wallet address and returns their hashes. */
  mine(n: number): Promise<string[]>;
  height(): Promise<number>;
  /** Stops the process and keeps the datadir (for restart). */
  stop(): Promise<void>;
  /**
   * Starts the process again on the same datadir and ports; `dropMempool`
   * deletes the saved mempool first (transactions of loaded wallets come back).
   */
  restart(options?: { dropMempool?: boolean }): Promise<void>;
  /** Mines one block holding exactly `txs` (raw hex or mempool txids), mempool rules aside. */
  mineWith(txs: readonly string[]): Promise<string>;
  /** Stops the process and deletes the datadir. */
  destroy(): Promise<void>;
}

export async function startLitecoind(options: LitecoindOptions = {}): Promise<Litecoind> {
  const binary = findLitecoind();
  const datadir = await mkdtemp(path.join(tmpdir(), 'kassa-ltc-'));
  let rpcPort = await unusedPort();
  const rpcUser = 'kassa';
  const rpcPassword = `pw${Math.random().toString(36).slice(2)}`;
  let rpcUrl = `http://127.0.0.1:${rpcPort}`;
  const cookie = options.auth === 'cookie';
  const cookieFile = path.join(datadir, 'regtest', '.cookie');
  const auth = cookie ? { cookieFile } : { user: rpcUser, password: rpcPassword };
  const args = () => [
    '-regtest',
    `-datadir=${datadir}`,
    '-server',
    '-txindex',
    '-fallbackfee=0.0001',
    '-walletrbf=1',
    '-rpcbind=127.0.0.1',
    '-rpcallowip=127.0.0.1',
    `-rpcport=${rpcPort}`,
    ...(cookie ? [] : [`-rpcuser=${rpcUser}`, `-rpcpassword=${rpcPassword}`]),
    '-listen=0',
    '-listenonion=0',
    '-discover=0',
    '-dnsseed=0',
    '-upnp=0',
    '-printtoconsole=0',
    '-rpcworkqueue=64',
    // A small keypool: wallet creation otherwise derives 2,000 keys.
    '-keypool=20',
    ...(options.args ?? []),
  ];
  const client = () => ({
    node: new UtxoRpc({ url: rpcUrl, ...auth, timeoutMs: 30_000 }),
    wallet: new UtxoRpc({ url: `${rpcUrl}/wallet/${WALLET}`, ...auth, timeoutMs: 30_000 }),
  });
  let { node, wallet } = client();
  let child: ChildProcess | null = null;
  let stderr = '';

  const launch = async (): Promise<void> => {
    stderr = '';
    const proc = spawn(binary, args(), { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    let exited: string | null = null;
    proc.once('exit', (code, signal) => {
      exited = `exited with ${code ?? signal}`;
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exited) throw new Error(`litecoind ${exited} during startup: ${stderr.trim()}`);
      try {
        await node.call('getblockchaininfo');
        return;
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(
            `litecoind did not answer RPC within 60 s: ${(err as Error).message} ${stderr}`,
            { cause: err },
          );
        await sleep(100);
      }
    }
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    try {
      await node.call('stop');
    } catch {
      proc.kill('SIGTERM');
    }
    const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    child = null;
  };

  const loadWallet = async (): Promise<void> => {
    const loaded = await node.call<string[]>('listwallets');
    if (loaded.includes(WALLET)) return;
    try {
      await node.call('loadwallet', [WALLET]);
    } catch {
      await node.call('createwallet', [WALLET]);
    }
  };

  try {
    // The port was free a moment ago; should another process take it first, pick another.
    for (let attempt = 1; ; attempt++) {
      try {
        await launch();
        break;
      } catch (err) {
        if (attempt >= 5 || !/bind/i.test((err as Error).message)) throw err;
        rpcPort = await unusedPort();
        rpcUrl = `http://127.0.0.1:${rpcPort}`;
        ({ node, wallet } = client());
      }
    }
    await loadWallet();
  } catch (err) {
    await stop().catch(() => undefined);
    await rm(datadir, { recursive: true, force: true });
    throw err;
  }

  // A fresh address per call: after invalidateblock, a block with the same
  // coinbase in the same second would hash like the invalidated one.
  const mine = async (n: number): Promise<string[]> => {
    const to = await wallet.call<string>('getnewaddress');
    return node.call<string[]>('generatetoaddress', [n, to]);
  };
  await mine(Math.max(101, options.initialBlocks ?? 101));

  return {
    rpcUrl,
    rpcUser,
    rpcPassword,
    datadir,
    cookieFile,
    rpcPort,
    node,
    wallet,
    rpc: (method, ...params) => node.call(method, params),
    walletRpc: (method, ...params) => wallet.call(method, params),
    mine,
    mineWith: async (txs) => {
      const to = await wallet.call<string>('getnewaddress');
      return (await node.call<{ hash: string }>('generateblock', [to, txs])).hash;
    },
    height: () => node.call<number>('getblockcount'),
    stop,
    restart: async (opts = {}) => {
      await stop();
      if (opts.dropMempool) await rm(path.join(datadir, 'regtest', 'mempool.dat'), { force: true });
      await launch();
      await loadWallet();
    },
    destroy: async () => {
      await stop();
      await rm(datadir, { recursive: true, force: true });
    },
  };
}

/** The node's log, for failure messages. */
export async function debugLog(n: Litecoind): Promise<string> {
  return readFile(path.join(n.datadir, 'regtest', 'debug.log'), 'utf8').catch(() => '');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
