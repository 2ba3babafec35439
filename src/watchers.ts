/**
 * Builds a watcher for every chain whose node is configured, and runs each in
 * exactly one process at a time (leader election with failover).
 */
import type { Logger } from 'pino';
import { Loop } from './app/loop.js';
import { systemClock, type Clock } from './app/ports/clock.js';
import type {
  ChainWatcher,
  PaymentLedger,
  UnexpectedTransfers,
  WatchList,
  WatcherHealth,
} from './app/ports/chain.js';
import { evmTokenContracts } from './chains/evm/token-contracts.js';
import type { Config } from './config.js';
import { cryptoCurrency, CRYPTO_CURRENCIES } from './domain/currencies.js';
import { chainCursorStore } from './store/chain-cursor-repository.js';
import type { Store } from './store/database.js';
import { leaderLock, type LeaderLock } from './store/leader-lock.js';

/** TRC-20 contracts: the catalog's mainnet defaults, overridden by TRON_TOKEN_CONTRACTS. */
export function tronTokenContracts(overrides: string | undefined): Record<string, string> {
  const custom = overrides ? (JSON.parse(overrides) as Record<string, string>) : {};
  const out: Record<string, string> = {};
  for (const c of CRYPTO_CURRENCIES) {
    if (c.family === 'tron' && c.contract) out[c.code] = custom[c.code] ?? c.contract;
  }
  for (const [code, contract] of Object.entries(custom)) {
    const c = cryptoCurrency(code);
    if (c?.family !== 'tron' || !c.contract)
      throw new Error(`TRON_TOKEN_CONTRACTS: ${code} is not a TRC-20 currency`);
    out[code] = contract;
  }
  return out;
}

/** Watcher code (viem among it) is imported only when its chain's node is configured. */
export async function buildWatchers(
  config: Config,
  deps: {
    store: Store;
    ledger: PaymentLedger;
    watchList: WatchList;
    logger: Logger;
    clock?: Clock;
    /** Where the ETH watcher reports a wrong coin at a deposit address. */
    unexpected?: UnexpectedTransfers;
  },
): Promise<ChainWatcher[]> {
  const clock = deps.clock ?? systemClock;
  const cursor = chainCursorStore(deps.store.db, clock);
  const common = {
    ledger: deps.ledger,
    watchList: deps.watchList,
    cursor,
    pollMs: config.WATCH_POLL_MS,
    clock,
  };
  const watchers: ChainWatcher[] = [];
  for (const chain of ['BTC', 'LTC'] as const) {
    const url = config[`${chain}_RPC_URL`];
    if (!url) continue;
    const user = config[`${chain}_RPC_USER`];
    const password = config[`${chain}_RPC_PASSWORD`];
    const cookieFile = config[`${chain}_RPC_COOKIE_FILE`];
    const [{ UtxoRpc }, { UtxoWatcher }] = await Promise.all([
      import('./chains/utxo/rpc.js'),
      import('./chains/utxo/watcher.js'),
    ]);
    const rpc = new UtxoRpc({
      url,
      ...(user && { user }),
      ...(password && { password }),
      ...(cookieFile && { cookieFile }),
    });
    watchers.push(
      new UtxoWatcher({
        ...common,
        chain,
        currency: chain,
        rpc,
        network: config[`${chain}_NETWORK`],
        logger: deps.logger.child({ chain }),
      }),
    );
  }
  if (config.ETH_RPC_URL) {
    const [{ EvmRpc }, { EvmWatcher }] = await Promise.all([
      import('./chains/evm/rpc.js'),
      import('./chains/evm/watcher.js'),
    ]);
    watchers.push(
      new EvmWatcher({
        ...common,
        rpc: new EvmRpc({ url: config.ETH_RPC_URL }),
        chainId: config.ETH_CHAIN_ID,
        tokens: evmTokenContracts(config.ETH_CHAIN_ID, config.ETH_TOKEN_CONTRACTS),
        ...(deps.unexpected ? { unexpected: deps.unexpected } : {}),
        logger: deps.logger.child({ chain: 'ETH' }),
      }),
    );
  }
  if (config.TRON_API_URL) {
    const [{ TronApi }, { TronWatcher }] = await Promise.all([
      import('./chains/tron/api.js'),
      import('./chains/tron/watcher.js'),
    ]);
    watchers.push(
      new TronWatcher({
        ...common,
        api: new TronApi({
          baseUrl: config.TRON_API_URL,
          ...(config.TRON_API_KEY && { apiKey: config.TRON_API_KEY }),
        }),
        tokens: tronTokenContracts(config.TRON_TOKEN_CONTRACTS),
        logger: deps.logger.child({ chain: 'TRON' }),
      }),
    );
  }
  return watchers;
}

/** Runs a watcher only while this process holds its chain's leader lock. */
export class LeaderElectedWatcher implements ChainWatcher {
  readonly chain: string;
  private leading = false;
  private held = 0;
  private readonly lock: LeaderLock;
  private readonly loop: Loop;

  constructor(
    private readonly inner: ChainWatcher,
    databaseUrl: string | undefined,
    private readonly logger: Logger,
    intervalMs = 5000,
  ) {
    this.chain = inner.chain;
    this.lock = leaderLock(databaseUrl, `watcher:${inner.chain}`);
    this.loop = new Loop({ intervalMs, delayFirst: true, round: () => this.tick() });
  }

  private async tick(): Promise<void> {
    try {
      if (this.leading && !this.lock.held()) {
        this.logger.warn({ chain: this.chain }, 'lost the watcher lock; stopping');
        this.leading = false;
        await this.inner.stop();
      }
      if (!this.leading && (await this.lock.tryAcquire())) {
        this.leading = true;
        this.logger.info({ chain: this.chain }, 'this process now watches the chain');
        await this.inner.start();
      }
    } catch (err) {
      this.logger.error({ err, chain: this.chain }, 'watcher election failed');
    } finally {
      this.held += 1;
    }
  }

  async start(): Promise<void> {
    await this.tick();
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    if (this.leading) await this.inner.stop();
    this.leading = false;
    await this.lock.release();
  }

  health(): WatcherHealth {
    return this.leading ? this.inner.health() : { ...this.inner.health(), running: false };
  }

  /** A node announced a new block (-blocknotify): look now instead of at the next poll. */
  notifyBlock(): void {
    if (this.leading) this.inner.notifyBlock?.();
  }

  /** How many elections this process has finished so far: a state to wait for, not a time. */
  elections(): number {
    return this.held;
  }

  /** True while this process is the chain's watcher. */
  isLeader(): boolean {
    return this.leading;
  }
}
