/**
 * Wires forwarder deposit addresses: the factory check before addresses are
 * handed out, collection (API, CLI), the tracker that records collect
 * transactions, and automatic collection when a collector key is configured.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { AutoCollectScheduler } from './app/auto-collect.js';
import { CollectionService } from './app/collections.js';
import type { AppContext } from './app/context.js';
import type { ChainWatcher } from './app/ports/chain.js';
import { collectorKey } from './chains/evm/collector-key.js';
import { ForwarderFactoryCheck } from './chains/evm/forwarder-check.js';
import { evmForwarderScheme } from './chains/evm/forwarder-scheme.js';
import type { Config } from './config.js';
import { parseDecimal, toUnits } from './domain/money.js';
import { chainCursorStore } from './store/chain-cursor-repository.js';
import { collectionRepository } from './store/collection-repository.js';
import type { Store } from './store/database.js';

export interface Forwarders {
  readonly check: ForwarderFactoryCheck;
  readonly collections: CollectionService;
  readonly tracker: ChainWatcher | null;
  readonly autoCollect: AutoCollectScheduler | null;
}

/** The node-side parts (viem among them) are imported only when ETH_RPC_URL is set. */
export async function buildForwarders(
  config: Config,
  ctx: AppContext,
  store: Store,
  logger: Logger,
): Promise<Forwarders> {
  const check = new ForwarderFactoryCheck(config.ETH_RPC_URL);
  const key = collectorKey(config.EVM_COLLECTOR_KEY, config.EVM_COLLECTOR_KEY_FILE, (p) =>
    readFileSync(p, 'utf8'),
  );
  const node = config.ETH_RPC_URL
    ? await Promise.all([
        import('./chains/evm/forwarder-collector.js'),
        import('./chains/evm/forwarder-tracker.js'),
      ])
    : null;
  const chain =
    node && config.ETH_RPC_URL
      ? new node[0].EvmCollectorChain({
          rpcUrl: config.ETH_RPC_URL,
          chainId: config.ETH_CHAIN_ID,
          pollingMs: Math.min(config.WATCH_POLL_MS, 4000),
          ...(key ? { collectorKey: key } : {}),
        })
      : null;
  const collections = new CollectionService(
    ctx,
    collectionRepository(store.db),
    evmForwarderScheme,
    chain,
  );
  const tracker =
    node && config.ETH_RPC_URL
      ? new node[1].ForwarderCollectTracker({
          rpcUrl: config.ETH_RPC_URL,
          cursor: chainCursorStore(store.db, ctx.clock),
          sink: collections,
          pollMs: config.WATCH_POLL_MS,
          logger: logger.child({ chain: 'ETH-collect' }),
          clock: ctx.clock,
        })
      : null;
  const autoCollect =
    chain?.sender && config.KASSA_ROLES.includes('watch')
      ? new AutoCollectScheduler(
          collections,
          {
            batchSize: config.EVM_COLLECT_BATCH_SIZE,
            maxGasPrice: toUnits(parseDecimal(config.EVM_COLLECT_MAX_GAS_PRICE_GWEI), 9),
            minValueToCost: config.EVM_COLLECT_MIN_VALUE_RATIO,
          },
          config.EVM_COLLECT_INTERVAL_SECONDS * 1000,
          (err) => logger.error({ err }, 'automatic collection failed'),
        )
      : null;
  return { check, collections, tracker, autoCollect };
}

/** Value still on forwarder deposit addresses, per currency, in smallest units. */
export function registerCollectionMetrics(registry: Registry, collections: CollectionService) {
  new Gauge({
    name: 'kassa_uncollected_units',
    help: 'Payments still on forwarder deposit addresses, smallest units per currency',
    labelNames: ['currency'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [currency, units] of Object.entries(await collections.uncollectedTotals())) {
        this.set({ currency }, Number(units));
      }
    },
  });
}
