#!/usr/bin/env node
/** The `kassa` command: run the server and manage accounts, projects and keys. */
import { Command } from 'commander';
import { createAccount, createApiKey, createProject, revokeApiKey } from '../app/accounts.js';
import { cryptoCurrency } from '../domain/currencies.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import type { Address } from 'viem';
import { evmFamily } from '../chains/evm/family.js';
import {
  factoryDeployment,
  FORWARDER_FACTORY,
  FORWARDER_FACTORY_CODE_HASH,
} from '../chains/evm/forwarder.js';
import { ForwarderFactoryCheck } from '../chains/evm/forwarder-check.js';
import { parseDecimal, toUnits } from '../domain/money.js';
import { tronFamily } from '../chains/tron/family.js';
import { utxoFamily } from '../chains/utxo/index.js';
import {
  ensureDemo,
  openStoreCore,
  startKassa,
  type DemoCredentials,
  type Kassa,
  type KassaStoreCore,
} from '../runtime.js';
import { writeDemoCredentials } from './demo-credentials.js';
import { migrateToLatest, openStore } from '../store/database.js';
import { createUser } from '../app/users.js';
import { secret } from '../app/ids.js';
import { issueProviderCredentials, type Provider } from '../app/provider-credentials.js';
import { loadSigningKey } from '../signing-key.js';

function config(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}

/** Runs a management command on the store and use cases alone: no HTTP, watchers, schedulers or rate polling. */
async function withCore<T>(fn: (k: KassaStoreCore) => Promise<T>): Promise<T> {
  const k = await openStoreCore(config());
  try {
    return await fn(k);
  } finally {
    await k.close();
  }
}

/** Runs a command that needs the chain-side wiring (collection) against the configured database, without serving HTTP. */
async function withKassa<T>(fn: (k: Kassa) => Promise<T>): Promise<T> {
  const c = { ...config(), KASSA_ROLES: [] as Config['KASSA_ROLES'], LOG_LEVEL: 'warn' as const };
  const k = await startKassa(c);
  try {
    return await fn(k);
  } finally {
    await k.close();
  }
}

const program = new Command('kassa').description(
  'Self-hosted, non-custodial crypto invoice gateway',
);

program
  .command('start')
  .description('run Kassa (migrates the database first)')
  .action(async () => {
    const c = config();
    // The demo exists before the port opens, so a client that sees /healthz can use its key.
    const made: { demo?: DemoCredentials } = {};
    const kassa = await startKassa(c, {
      beforeListen: async (core) => {
        made.demo = await ensureDemo(core);
      },
    });
    const demo = made.demo;
    if (demo?.created) {
      const file = writeDemoCredentials(c.DATA_DIR, demo, kassa.url);
      console.log(`Kassa demo credentials written to ${file} (readable by this user only)`);
    }
    console.log(
      `Kassa listening on ${kassa.url} (${kassa.store.engine}, test mode ${c.KASSA_TEST_MODE ? 'on' : 'off'})`,
    );
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      kassa.logger.info({ signal }, 'shutting down');
      await kassa.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });

program
  .command('migrate')
  .description('apply database migrations')
  .action(async () => {
    const c = config();
    const store = openStore({ databaseUrl: c.DATABASE_URL, sqlitePath: c.SQLITE_PATH });
    const r = await migrateToLatest(store);
    for (const m of r.results ?? []) console.log(`${m.status}: ${m.migrationName}`);
    if (!r.results?.length) console.log('database is up to date');
    await store.close();
  });

const account = program.command('account').description('merchant accounts');
account
  .command('create')
  .requiredOption('--name <name>', 'account name')
  .action(async (o: { name: string }) =>
    withCore(async (k) => {
      const a = await createAccount(k.ctx, o.name);
      console.log(a.id);
    }),
  );

const user = program.command('user').description('dashboard users');
user
  .command('create')
  .description(
    'add a dashboard user; without --password-stdin a password is generated and shown once',
  )
  .requiredOption('--account <id>', 'account id')
  .requiredOption('--email <email>', 'sign-in e-mail')
  .option('--role <role>', 'owner, admin, staff or viewer', 'owner')
  .option('--password-stdin', 'read the password from standard input')
  .action(async (o: { account: string; email: string; role: string; passwordStdin?: boolean }) => {
    const password = o.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : secret('', 12);
    await withCore(async (k) => {
      const u = await createUser(
        { access: k.access, clock: k.ctx.clock, store: k.ctx.store },
        { accountId: o.account, email: o.email, role: o.role, password },
        { accountId: o.account, userId: null, name: 'cli', ip: null },
      );
      console.log(`user id: ${u.id}\nrole: ${u.role}`);
      if (!o.passwordStdin) console.log(`password (shown once): ${password}`);
    });
  });

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const key = program.command('key').description('API keys');
key
  .command('create')
  .requiredOption('--account <id>', 'account id')
  .option('--label <label>', 'label shown in lists')
  .option('--read-only', 'the key may read but not change anything')
  .option('--project <id>', 'limit the key to this project')
  .action(async (o: { account: string; label?: string; readOnly?: boolean; project?: string }) =>
    withCore(async (k) => {
      const { key: secret, record } = await createApiKey(
        k.ctx,
        o.account,
        o.label ?? null,
        undefined,
        {
          access: o.readOnly ? 'read' : 'full',
          projectId: o.project ?? null,
        },
      );
      console.log(`key id: ${record.id}\nAPI key (shown once): ${secret}`);
    }),
  );
key
  .command('revoke')
  .argument('<keyId>', 'key id (key_...)')
  .action(async (id: string) =>
    withCore(async (k) => {
      await revokeApiKey(k.ctx, id);
      console.log(`revoked ${id}`);
    }),
  );

key
  .command('provider')
  .description(
    'a Cryptopay- or CoinsPaid-style key pair for one project (a new API key underneath)',
  )
  .requiredOption('--account <id>', 'account id')
  .requiredOption('--shop <id>', 'project (shop) id the pair creates invoices in')
  .requiredOption('--provider <name>', 'cryptopay or coinspaid')
  .option('--read-only', 'the pair may look invoices up but not create, cancel or refund')
  .action(async (o: { account: string; shop: string; provider: string; readOnly?: boolean }) =>
    withCore(async (k) => {
      const c = await issueProviderCredentials(k.ctx, loadSigningKey(k.config), {
        accountId: o.account,
        shopId: o.shop,
        provider: o.provider as Provider,
        access: o.readOnly ? 'read' : 'full',
      });
      console.log(
        `key id: ${c.keyId} (revoke it to end the pair)\napi key: ${c.apiKey}\napi secret (shown once): ${c.apiSecret}`,
      );
    }),
  );

const project = program.command('project').description('projects (shops)');
project
  .command('create')
  .requiredOption('--account <id>', 'account id')
  .requiredOption('--name <name>', 'project name')
  .option('--shop-id <id>', 'shop_id to use (default: random)')
  .option('--currencies <codes>', 'enabled payment currencies, comma-separated')
  .option(
    '--wallet <chain=key...>',
    'wallet per chain, e.g. BTC=zpub..., repeatable',
    (v: string, acc: string[]) => [...acc, v],
    [],
  )
  .option('--live', 'live mode (default: test mode)')
  .action(
    async (o: {
      account: string;
      name: string;
      shopId?: string;
      currencies?: string;
      wallet: string[];
      live?: boolean;
    }) =>
      withCore(async (k) => {
        const wallets = Object.fromEntries(
          o.wallet.map((w) => {
            const i = w.indexOf('=');
            return [w.slice(0, i).toUpperCase(), { key: w.slice(i + 1) }];
          }),
        );
        const { project: p, secretKey } = await createProject(k.ctx, o.account, {
          name: o.name,
          ...(o.shopId ? { id: o.shopId } : {}),
          ...(o.currencies ? { enabledCurrencies: o.currencies.split(',') } : {}),
          wallets,
          testMode: !o.live,
        });
        console.log(`shop_id: ${p.id}\nsecret key (shown once): ${secretKey}`);
      }),
  );

program
  .command('address')
  .description('print the address Kassa would hand out, to compare with your wallet')
  .option('--currency <code>', 'currency code, e.g. BTC, LTC, ETH, USDT_TRC20', 'ETH')
  .option('--key <key>', 'extended public key, output descriptor or forwarder(0xTREASURY)')
  .option('--forwarder <treasury>', 'forwarder mode: the treasury address (instead of --key)')
  .option('--factory <address>', 'forwarder mode: the factory (default: the deterministic one)')
  .option('--index <n>', 'address index (the deposit salt in forwarder mode)', '0')
  .option('--network <net>', 'mainnet, testnet or regtest', 'mainnet')
  .action(
    (o: {
      currency: string;
      key?: string;
      forwarder?: string;
      factory?: string;
      index: string;
      network: string;
    }) => {
      const currency = cryptoCurrency(o.currency.toUpperCase());
      if (!currency) {
        console.error(`unknown currency ${o.currency}`);
        process.exit(2);
      }
      const key = o.forwarder
        ? `forwarder(${o.forwarder}${o.factory ? `,${o.factory}` : ''})`
        : o.key;
      if (!key) {
        console.error('give --key, or --forwarder with the treasury address');
        process.exit(2);
      }
      const index = Number(o.index);
      if (!Number.isSafeInteger(index) || index < 0 || index >= 2 ** 31) {
        console.error('--index must be a non-negative integer below 2^31');
        process.exit(2);
      }
      if (!['mainnet', 'testnet', 'regtest'].includes(o.network)) {
        console.error('--network must be mainnet, testnet or regtest');
        process.exit(2);
      }
      const family = { utxo: utxoFamily, evm: evmFamily, tron: tronFamily }[currency.family];
      try {
        console.log(
          family.deriveAddress({ key, index, currency, network: o.network as 'mainnet' }),
        );
      } catch (e) {
        console.error((e as Error).message);
        process.exit(2);
      }
    },
  );

program
  .command('forwarder')
  .description('the forwarder factory: its address, code hash and deployment transaction')
  .option('--rpc <url>', 'verify the code deployed at the factory address on this node')
  .option('--factory <address>', 'the factory to verify (default: the deterministic one)')
  .action(async (o: { rpc?: string; factory?: string }) => {
    const deploy = factoryDeployment();
    console.log(`factory:    ${FORWARDER_FACTORY}`);
    console.log(`code hash:  ${FORWARDER_FACTORY_CODE_HASH}`);
    console.log(
      `deployment: send to ${deploy.to} (the standard CREATE2 deployer), no value, data:`,
    );
    console.log(deploy.data);
    if (!o.rpc) return;
    try {
      await new ForwarderFactoryCheck(o.rpc).verify((o.factory ?? FORWARDER_FACTORY) as Address);
      console.log('verified: the deployed code matches');
    } catch (e) {
      console.error((e as Error).message);
      process.exit(1);
    }
  });

program
  .command('collect')
  .description('collect forwarder deposit addresses into the treasury')
  .requiredOption('--chain <chain>', 'ETH')
  .option('--dry-run', 'print the ready transaction(s) to send from your own wallet')
  .option('--account <id>', 'only payments of this account (default: the first account)')
  .option('--batch-size <n>', 'deposit addresses per transaction', '50')
  .option('--from <address>', 'the sender, for the gas estimate')
  .action(
    async (o: {
      chain: string;
      dryRun?: boolean;
      account?: string;
      batchSize: string;
      from?: string;
    }) => {
      if (o.chain.toUpperCase() !== 'ETH') {
        console.error('--chain: only ETH has forwarder addresses (TRON stays in xpub mode)');
        process.exit(2);
      }
      const batchSize = Number(o.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 200) {
        console.error('--batch-size must be 1-200');
        process.exit(2);
      }
      await withKassa(async (k) => {
        const c = k.forwarders.collections;
        if (!o.dryRun) {
          const mined = await c.autoCollect({
            batchSize,
            maxGasPrice: toUnits(parseDecimal(k.config.EVM_COLLECT_MAX_GAS_PRICE_GWEI), 9),
            minValueToCost: k.config.EVM_COLLECT_MIN_VALUE_RATIO,
          });
          for (const m of mined) console.log(`${m.txid} swept ${m.sweeps.length} address(es)`);
          if (mined.length === 0)
            console.log('nothing collected (nothing due, or gas above the ceiling)');
          return;
        }
        const accountId = o.account ?? (await k.ctx.store.accounts.list())[0]?.id;
        if (!accountId) throw new Error('no account');
        const plans = await c.transactions(accountId, {
          batchSize,
          ...(o.from ? { from: o.from } : {}),
        });
        const out = plans.map((p) => ({
          to: p.to,
          value: p.value,
          data: p.data,
          gas: p.gas === null ? null : String(p.gas),
          treasury: p.treasury,
          addresses: p.addresses.length,
          totals_units: Object.fromEntries(
            Object.entries(p.totals).map(([cur, v]) => [cur, String(v)]),
          ),
        }));
        console.log(JSON.stringify(out, null, 2));
      });
    },
  );

program
  .command('rates')
  .description('print current rates with source and age')
  .option(
    '--pairs <pairs>',
    'pairs to price, e.g. BTC/USD,ETH/EUR',
    'BTC/USD,LTC/USD,ETH/USD,TRX/USD,USDT_TRC20/USD',
  )
  .action(async (o: { pairs: string }) =>
    withCore(async (k) => {
      for (const pair of o.pairs.split(',')) {
        const [base, quote] = pair.split('/');
        try {
          const r = await k.ctx.rates.rate(base!, quote!);
          const age = Math.round((k.ctx.clock.now() - r.fetchedAt) / 1000);
          console.log(`${pair.padEnd(16)} ${r.rate.padEnd(24)} ${r.source}  ${age}s old`);
        } catch (e) {
          console.log(`${pair.padEnd(16)} unavailable: ${(e as Error).message}`);
        }
      }
    }),
  );

program.parseAsync().catch((e: unknown) => {
  console.error((e as Error).message ?? e);
  process.exit(1);
});
