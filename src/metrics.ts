/** Prometheus metrics: invoices by status, watcher height and lag, callback queue, rate freshness. */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { WatcherHealth } from './app/ports/chain.js';
import type { InvoiceStore } from './app/ports/store.js';
import { INVOICE_STATUSES } from './domain/invoice-status.js';
import type { WalletGapWarning } from './app/ports/addresses.js';

export interface MetricSources {
  readonly store: InvoiceStore;
  readonly watchers: () => readonly WatcherHealth[];
  readonly callbackQueueDepth?: () => Promise<number>;
}

export function createMetrics(src: MetricSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kassa_' });
  new Gauge({
    name: 'kassa_invoices',
    help: 'Invoices by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = await src.store.invoices.countByStatus();
      for (const s of INVOICE_STATUSES) this.set({ status: s }, counts[s] ?? 0);
    },
  });
  const height = new Gauge({
    name: 'kassa_watcher_height',
    help: 'Last block processed',
    labelNames: ['chain'],
    registers: [registry],
  });
  const nodeHeight = new Gauge({
    name: 'kassa_watcher_node_height',
    help: "The node's best height",
    labelNames: ['chain'],
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'kassa_watcher_lag_blocks',
    help: 'Blocks behind the node',
    labelNames: ['chain'],
    registers: [registry],
  });
  new Gauge({
    name: 'kassa_watcher_up',
    help: '1 when the watcher runs and reaches its node',
    labelNames: ['chain'],
    registers: [registry],
    collect() {
      for (const w of src.watchers()) {
        this.set({ chain: w.chain }, w.running && w.nodeReachable ? 1 : 0);
        if (w.height !== null) height.set({ chain: w.chain }, w.height);
        if (w.nodeHeight !== null) nodeHeight.set({ chain: w.chain }, w.nodeHeight);
        if (w.height !== null && w.nodeHeight !== null)
          lag.set({ chain: w.chain }, Math.max(0, w.nodeHeight - w.height));
      }
    },
  });
  if (src.callbackQueueDepth) {
    const depth = src.callbackQueueDepth;
    new Gauge({
      name: 'kassa_callback_queue_depth',
      help: 'Callback deliveries waiting to be sent',
      registers: [registry],
      async collect() {
        this.set(await depth());
      },
    });
  }
  return registry;
}

/**
 * The wallet gap: addresses handed out after the last one that received a
 * payment (a wallet scanning with a smaller gap limit misses payments beyond
 * it), and how often an address went out past the project's gap limit.
 * Returns the hook that counts a warning.
 */
export function registerWalletGapMetrics(
  registry: Registry,
  store: InvoiceStore,
): (w: WalletGapWarning) => void {
  new Gauge({
    name: 'kassa_wallet_address_gap',
    help: 'Addresses handed out after the last one that received a payment',
    labelNames: ['project', 'chain'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const w of await store.addresses.wallets()) {
        if (w.chain === 'test') continue;
        this.set({ project: w.projectId, chain: w.chain }, w.nextIdx - 1 - w.highestUsed);
      }
    },
  });
  const beyond = new Counter({
    name: 'kassa_wallet_gap_limit_exceeded_total',
    help: "Addresses handed out beyond the project wallet's gap limit",
    labelNames: ['project', 'chain'],
    registers: [registry],
  });
  return (w) => beyond.inc({ project: w.projectId, chain: w.chain });
}
