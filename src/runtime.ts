/**
 * The composition root: wires the store, chains, rates, callbacks and faces
 * into one running Kassa process according to its configuration and roles.
 */
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { createAccount, createApiKey, createProject } from './app/accounts.js';
import type { AppContext } from './app/context.js';
import type { WalletGapWarning } from './app/ports/addresses.js';
import type { Clock } from './app/ports/clock.js';
import { systemClock } from './app/ports/clock.js';
import type { RateProvider } from './app/ports/rates.js';
import { AddressPool, DEFAULT_POOL, RESERVED_INDEXES } from './app/address-pool.js';
import { RecheckScheduler } from './app/recheck.js';
import { MemoryWatchList } from './app/watch-list.js';
import { PaymentRecorder } from './app/payments.js';
// Family adapters only: watcher and node code loads when a node is configured.
import { evmFamily } from './chains/evm/family.js';
import { evmTokenContracts } from './chains/evm/token-contracts.js';
import { testFamily } from './chains/test/index.js';
import { tronFamily } from './chains/tron/family.js';
import { utxoFamily } from './chains/utxo/index.js';
import { SECRET_SETTINGS, type Config } from './config.js';
import { buildServer } from './http/server.js';
import { cryptoCloudFace } from './http/cryptocloud/index.js';
import { InvoiceMailScheduler } from './app/invoice-mail.js';
import { StaticAwareWatchList, StaticWallets } from './app/static-wallets.js';
import { smtpMailer } from './mail/smtp-mailer.js';
import { mailRepository } from './store/mail-repository.js';
import { staticWalletRepository } from './store/static-wallet-repository.js';
import { payFace } from './http/pay/index.js';
import { cryptopayFace } from './http/cryptopay/index.js';
import { coinsPaidFace } from './http/coinspaid/index.js';
import { loadSigningKey } from './signing-key.js';
import { InvoiceChanges } from './app/invoice-changes.js';
import {
  createRateProvider,
  RateAggregator,
  ratesReady,
  registerRateMetrics,
} from './rates/index.js';
import { createMetrics, registerWalletGapMetrics } from './metrics.js';
import { startMetricsServer } from './http/metrics-route.js';
import { Dispatcher } from './callbacks/dispatcher.js';
import { eventRouting } from './callbacks/routing.js';
import { WebhookService } from './app/webhooks.js';
import { assertCallbackUrlAllowed } from './callbacks/url-guard.js';
import { webhookRepository } from './store/webhook-repository.js';
import { apiV1 } from './http/api-v1/index.js';
import { webhookFamily } from './http/api-v1/webhooks.js';
import { collectionFamily } from './http/api-v1/collections.js';
import { buildForwarders, registerCollectionMetrics, type Forwarders } from './forwarders.js';
import { ForwarderFactoryCheck } from './chains/evm/forwarder-check.js';
import { DeliveriesRepository } from './store/deliveries-repository.js';
import type { ChainWatcher } from './app/ports/chain.js';
import { buildWatchers, LeaderElectedWatcher, tronTokenContracts } from './watchers.js';
import { migrateToLatest, openStore, type Store } from './store/database.js';
import { invoiceStore } from './store/kysely-store.js';
import { accessRepository } from './store/access-repository.js';
import { dashboardQueries } from './store/dashboard-queries.js';
import { dashboardFace } from './http/dashboard/index.js';
import type { AccessStore } from './app/ports/access.js';
import { createUser } from './app/users.js';
import { secret } from './app/ids.js';

/** Rates used in test mode when no source is configured: round numbers, clearly not market data. */
export const DEMO_RATES = JSON.stringify({
  'BTC/USD': '60000',
  'LTC/USD': '80',
  'ETH/USD': '3000',
  'TRX/USD': '0.25',
  'USDT/USD': '1',
  'USDC/USD': '1',
  'TUSD/USD': '1',
  'USD/EUR': '0.92',
  'USD/GBP': '0.79',
  'USD/RUB': '92.5',
  'USD/UAH': '41.2',
  'USD/UZS': '12650',
  'USD/KZT': '470',
  'USD/KGS': '87.5',
  'USD/AMD': '390',
  'USD/AZN': '1.7',
  'USD/BYN': '3.27',
  'USD/AUD': '1.52',
  'USD/TRY': '32.5',
  'USD/AED': '3.6725',
  'USD/CAD': '1.36',
  'USD/CNY': '7.24',
  'USD/HKD': '7.82',
  'USD/IDR': '15800',
  'USD/INR': '83.4',
  'USD/JPY': '151',
  'USD/PHP': '56.5',
  'USD/SGD': '1.35',
  'USD/THB': '36.5',
  'USD/VND': '25300',
  'USD/MYR': '4.72',
});

/** The demo rates stand in when fixed rates are chosen but none are given. */
function rateConfig(config: Config): Config {
  return config.RATE_SOURCES === 'fixed' && !config.RATES_FIXED
    ? { ...config, RATES_FIXED: DEMO_RATES }
    : config;
}

function chainFamilies(config: Config): AppContext['chains'] {
  return {
    utxo: utxoFamily,
    evm: evmFamily,
    tron: tronFamily,
    ...(config.KASSA_TEST_MODE ? { test: testFamily } : {}),
  };
}

function appSettings(config: Config): AppContext['settings'] {
  return {
    publicUrl: config.PUBLIC_URL,
    testMode: config.KASSA_TEST_MODE,
    latePaymentWindowMs: config.LATE_PAYMENT_WINDOW_HOURS * 3600_000,
    addressReuseCooldownMs: config.ADDRESS_REUSE_COOLDOWN_HOURS * 3600_000,
    networks: { BTC: config.BTC_NETWORK, LTC: config.LTC_NETWORK },
    evmChainId: config.ETH_CHAIN_ID,
    // Only tokens with a contract on the configured networks can be paid.
    tokenContracts: {
      ...evmTokenContracts(config.ETH_CHAIN_ID, config.ETH_TOKEN_CONTRACTS),
      ...tronTokenContracts(config.TRON_TOKEN_CONTRACTS),
    },
  };
}

/** The store and the use cases alone, for management commands (accounts, keys, projects). */
export interface KassaStoreCore extends KassaCore {
  readonly store: Store;
  close(): Promise<void>;
}

/**
 * Opens the database (migrated) and the use-case context without HTTP,
 * watchers, schedulers or rate polling: creating a key starts nothing.
 */
export async function openStoreCore(config: Config): Promise<KassaStoreCore> {
  const clock = systemClock;
  const store = openStore({ databaseUrl: config.DATABASE_URL, sqlitePath: config.SQLITE_PATH });
  await migrateToLatest(store);
  const factoryCheck = new ForwarderFactoryCheck(config.ETH_RPC_URL);
  const ctx: AppContext = {
    store: invoiceStore(store, eventRouting),
    clock,
    rates: createRateProvider(rateConfig(config), { clock }),
    chains: chainFamilies(config),
    settings: appSettings(config),
    walletReady: (chain, key) => factoryCheck.ensureReady(chain, key),
  };
  return { ctx, config, access: accessRepository(store.db), store, close: () => store.close() };
}

export interface KassaOverrides {
  readonly clock?: Clock;
  readonly rates?: RateProvider;
  readonly logger?: Logger;
  readonly onStatement?: (sql: string) => void;
  /** Runs after migrations and wiring, before the port opens: a client that sees /healthz answer finds its result in place. */
  readonly beforeListen?: (kassa: KassaCore) => Promise<void>;
  /** How often the background loops look for due work; tests with a moved clock look sooner. */
  readonly loopIntervalsMs?: LoopIntervals;
}

/** Milliseconds between rounds of each background loop (defaults in brackets). */
export interface LoopIntervals {
  /** Expiry and stale-payment recheck [1000]. */
  readonly recheck?: number;
  /** Invoice e-mail sends [5000]. */
  readonly mail?: number;
  /** Callback delivery claims [1000]. */
  readonly callbacks?: number;
  /** Watcher leader election [5000]. */
  readonly leader?: number;
}

/** What set-up before listening needs: the use cases' context, the configuration and dashboard users. */
export type KassaCore = Pick<Kassa, 'ctx' | 'config' | 'access'>;

export interface Kassa {
  readonly config: Config;
  readonly ctx: AppContext;
  readonly store: Store;
  readonly app: FastifyInstance | null;
  readonly url: string;
  /** Where /metrics is served when METRICS_PORT gives it a listener of its own. */
  readonly metricsUrl: string | null;
  readonly ledger: PaymentRecorder;
  readonly watchList: MemoryWatchList;
  readonly changes: InvoiceChanges;
  readonly logger: Logger;
  readonly watchers: readonly ChainWatcher[];
  readonly forwarders: Forwarders;
  /** Dashboard users, sessions and the audit log. */
  readonly access: AccessStore;
  close(): Promise<void>;
}

export function createLogger(
  config: Pick<Config, 'LOG_LEVEL'>,
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level: config.LOG_LEVEL,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["idempotency-key"]',
        '*.secret',
        '*.secret_key',
        '*.secretKey',
        '*.key',
        '*.password',
        '*.token',
        ...SECRET_SETTINGS.map((s) => `config.${s}`),
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export async function startKassa(config: Config, overrides: KassaOverrides = {}): Promise<Kassa> {
  const logger = overrides.logger ?? createLogger(config);
  const clock = overrides.clock ?? systemClock;
  const store = openStore({
    databaseUrl: config.DATABASE_URL,
    sqlitePath: config.SQLITE_PATH,
    ...(overrides.onStatement ? { onStatement: overrides.onStatement } : {}),
  });
  await migrateToLatest(store);
  const rates = overrides.rates ?? createRateProvider(rateConfig(config), { clock });
  const intervals = overrides.loopIntervalsMs ?? {};
  const runs = (role: Config['KASSA_ROLES'][number]) => config.KASSA_ROLES.includes(role);
  const changes = new InvoiceChanges();
  const deliveries = new DeliveriesRepository(store.db, store.engine);
  const dispatcher = runs('dispatch')
    ? new Dispatcher({
        ...(intervals.callbacks !== undefined && { pollMs: intervals.callbacks }),
        queue: deliveries,
        logger: logger.child({ component: 'callbacks' }),
        allowPrivate: config.ALLOW_PRIVATE_CALLBACKS,
        ...(config.CALLBACK_RETRY_SECONDS && { retrySchedule: config.CALLBACK_RETRY_SECONDS }),
        clock,
        onAttempt: (id) => changes.notifyDelivery(id),
      })
    : null;
  let countGapWarning: ((w: WalletGapWarning) => void) | null = null;
  const appStore = invoiceStore(store, eventRouting, {
    onDeliveriesQueued: () => dispatcher?.wake(),
  });
  const addressPool = new AddressPool(
    appStore,
    (err) => logger.error({ err }, 'deriving addresses ahead failed'),
    // PostgreSQL creates run in parallel (several processes too): a counter row advanced
    // in each create's transaction would hold them in a queue until each commits.
    { ...DEFAULT_POOL, reserve: store.engine === 'postgres' ? RESERVED_INDEXES : 0 },
  );
  const ctx: AppContext = {
    store: appStore,
    addressSource: addressPool,
    clock,
    rates,
    chains: chainFamilies(config),
    settings: appSettings(config),
    onInvoiceChanged: (id) => changes.notify(id),
    walletReady: (chain, key) => forwarders.check.ensureReady(chain, key),
    onWalletGap: (w) => {
      countGapWarning?.(w);
      logger.warn(
        { event: 'wallet.gap_limit_exceeded', ...w },
        `${w.chain} wallet handed out address ${w.index}, ${w.gap} after the last paid one (gap limit ${w.gapLimit}): raise the gap limit of the wallet software`,
      );
    },
  };
  const forwarders = await buildForwarders(config, ctx, store, logger);
  // CryptoCloud static wallets: their addresses are watched too, and payments to them become invoices.
  const staticWallets = new StaticWallets(ctx, staticWalletRepository(store.db));
  await staticWallets.load();
  const watchList = new StaticAwareWatchList(ctx.store, clock, staticWallets);
  const ledger = new PaymentRecorder(ctx, watchList, staticWallets);
  // Each background loop runs only in the processes whose role does that work.
  const recheck = new RecheckScheduler(ctx, intervals.recheck ?? 1000, (err) =>
    logger.error({ err }, 'status recheck failed'),
  );
  if (runs('watch')) recheck.start();
  const mail = new InvoiceMailScheduler(
    ctx,
    mailRepository(store.db),
    config.SMTP_URL ? smtpMailer(config.SMTP_URL) : null,
    intervals.mail ?? 5000,
    (err) => logger.error({ err }, 'invoice e-mail failed'),
  );
  if (runs('dispatch')) mail.start();
  dispatcher?.start();
  const webhooks = new WebhookService({
    store: webhookRepository(store.db),
    queue: deliveries,
    checkUrl: (url) => assertCallbackUrlAllowed(url, config.ALLOW_PRIVATE_CALLBACKS),
    clock,
    publicUrl: config.PUBLIC_URL,
    onQueued: () => dispatcher?.wake(),
  });
  const access = accessRepository(store.db);

  const elected = (w: ChainWatcher) =>
    new LeaderElectedWatcher(w, config.DATABASE_URL, logger, intervals.leader);
  const watchers: ChainWatcher[] = runs('watch')
    ? (
        await buildWatchers(config, {
          store,
          ledger,
          watchList,
          logger,
          clock,
          unexpected: forwarders.collections,
        })
      ).map(elected)
    : [];
  if (forwarders.tracker && runs('watch')) watchers.push(elected(forwarders.tracker));
  for (const w of watchers) await w.start();
  if (runs('watch')) forwarders.autoCollect?.start();
  const metrics = createMetrics({
    store: ctx.store,
    callbackQueueDepth: () => deliveries.pendingCount(),
    watchers: () => watchers.map((w) => w.health()),
  });
  registerCollectionMetrics(metrics, forwarders.collections);
  countGapWarning = registerWalletGapMetrics(metrics, ctx.store);
  if (rates instanceof RateAggregator) {
    // Requests price from the polled rates; other roles ask the sources when they need a price.
    if (runs('api')) rates.start();
    registerRateMetrics(metrics, rates, clock);
  }
  let app: FastifyInstance | null = null;
  let url = config.PUBLIC_URL;
  await overrides.beforeListen?.({ ctx, config, access });
  if (runs('api')) {
    const signingKey = loadSigningKey(config);
    app = await buildServer(
      { ctx, changes, config },
      {
        logger,
        ...(config.METRICS_PORT === undefined ? { metrics } : {}),
        ...(config.METRICS_TOKEN ? { metricsToken: config.METRICS_TOKEN } : {}),
        trustProxy: config.TRUST_PROXY,
        blockNotify: (chain) => {
          const w = watchers.find((x) => x.chain === chain);
          w?.notifyBlock?.();
          return w !== undefined;
        },
        readinessDetails: async () => ({
          ...(rates instanceof RateAggregator ? { rates: ratesReady(rates) } : {}),
          watchers: watchers.map((w) => w.health()),
        }),
        faces: [
          apiV1({
            ...(config.KASSA_ADMIN_TOKEN ? { adminToken: config.KASSA_ADMIN_TOKEN } : {}),
            deliveryProject: (accountId, id) => webhooks.deliveryProject(accountId, id),
            families: [
              webhookFamily({ webhooks }),
              collectionFamily({ collections: forwarders.collections }),
            ],
          }),
          cryptoCloudFace({ staticWallets, mail }),
          payFace,
          dashboardFace({
            access,
            queries: dashboardQueries(store.db),
            webhooks,
            health: () => ({
              watchers: watchers.map((w) => w.health()),
              rates: rates instanceof RateAggregator ? ratesReady(rates).sources : [],
            }),
          }),
          cryptopayFace(signingKey),
          coinsPaidFace(signingKey),
        ],
      },
    );
    url = await app.listen({ port: config.PORT, host: config.HOST });
  }
  const metricsServer =
    config.METRICS_PORT === undefined
      ? null
      : await startMetricsServer(metrics, {
          port: config.METRICS_PORT,
          host: config.HOST,
          ...(config.METRICS_TOKEN ? { token: config.METRICS_TOKEN } : {}),
        });

  return {
    config,
    ctx,
    store,
    app,
    url,
    metricsUrl: metricsServer?.url ?? null,
    ledger,
    watchList,
    changes,
    logger,
    watchers,
    forwarders,
    access,
    async close() {
      // In-flight requests finish first; then background work; the database last.
      await app?.close();
      await metricsServer?.close();
      await forwarders.autoCollect?.stop();
      await Promise.all(watchers.map((w) => w.stop()));
      await dispatcher?.stop();
      await recheck.stop();
      if (rates instanceof RateAggregator) await rates.stop();
      await mail.stop();
      await addressPool.settled();
      await store.close();
    },
  };
}

export interface DemoCredentials {
  readonly accountId: string;
  readonly shopId: string;
  readonly apiKey: string | null;
  readonly secretKey: string | null;
  /** Dashboard sign-in of the demo owner. */
  readonly dashboardEmail: string | null;
  readonly dashboardPassword: string | null;
  readonly created: boolean;
}

/** At first start: a demo account, test-mode project and API key, printed once. */
export async function ensureDemo(kassa: KassaCore): Promise<DemoCredentials> {
  const { ctx, config } = kassa;
  const accounts = await ctx.store.accounts.list();
  if (accounts.length > 0) {
    const account = accounts[0]!;
    const projects = await ctx.store.projects.list(account.id);
    return {
      accountId: account.id,
      shopId: projects[0]?.id ?? '',
      apiKey: null,
      secretKey: null,
      dashboardEmail: null,
      dashboardPassword: null,
      created: false,
    };
  }
  const account = await createAccount(ctx, 'Demo merchant');
  const { key } = await createApiKey(ctx, account.id, 'demo', config.KASSA_DEMO_API_KEY);
  const { project, secretKey } = await createProject(ctx, account.id, {
    ...(config.KASSA_DEMO_SHOP_ID ? { id: config.KASSA_DEMO_SHOP_ID } : {}),
    name: 'Demo shop',
    testMode: true,
  });
  const dashboardPassword = secret('', 12);
  const owner = await createUser(
    { access: kassa.access, clock: ctx.clock, store: ctx.store },
    {
      accountId: account.id,
      email: 'demo@kassa.invalid',
      role: 'owner',
      password: dashboardPassword,
    },
    { accountId: account.id, userId: null, name: 'demo setup', ip: null },
  );
  return {
    accountId: account.id,
    shopId: project.id,
    apiKey: key,
    secretKey,
    dashboardEmail: owner.email,
    dashboardPassword,
    created: true,
  };
}
