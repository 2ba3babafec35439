#!/usr/bin/env node
/** The `kassa` command: run the server and manage accounts, projects and keys. */
import { Command } from 'commander';
import { createAccount, createApiKey, createProject, revokeApiKey } from '../app/accounts.js';
import { cryptoCurrency } from '../domain/currencies.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { evmFamily } from '../chains/evm/index.js';
import { tronFamily } from '../chains/tron/index.js';
import { utxoFamily } from '../chains/utxo/index.js';
import { ensureDemo, startKassa, type Kassa } from '../runtime.js';
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

/** Runs a management command against the configured database without serving HTTP. */
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
    const kassa = await startKassa(c);
    const demo = await ensureDemo(kassa);
    if (demo.created) {
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
    withKassa(async (k) => {
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
    await withKassa(async (k) => {
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
  .action(async (o: { account: string; label?: string }) =>
    withKassa(async (k) => {
      const { key: secret, record } = await createApiKey(k.ctx, o.account, o.label ?? null);
      console.log(`key id: ${record.id}\nAPI key (shown once): ${secret}`);
    }),
  );
key
  .command('revoke')
  .argument('<keyId>', 'key id (key_...)')
  .action(async (id: string) =>
    withKassa(async (k) => {
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
  .action(async (o: { account: string; shop: string; provider: string }) =>
    withKassa(async (k) => {
      const c = await issueProviderCredentials(k.ctx, loadSigningKey(k.config), {
        accountId: o.account,
        shopId: o.shop,
        provider: o.provider as Provider,
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
      withKassa(async (k) => {
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
  .requiredOption('--currency <code>', 'currency code, e.g. BTC, LTC, ETH, USDT_TRC20')
  .requiredOption('--key <key>', 'extended public key or output descriptor')
  .option('--index <n>', 'address index', '0')
  .option('--network <net>', 'mainnet, testnet or regtest', 'mainnet')
  .action((o: { currency: string; key: string; index: string; network: string }) => {
    const currency = cryptoCurrency(o.currency.toUpperCase());
    if (!currency) {
      console.error(`unknown currency ${o.currency}`);
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
        family.deriveAddress({ key: o.key, index, currency, network: o.network as 'mainnet' }),
      );
    } catch (e) {
      console.error((e as Error).message);
      process.exit(2);
    }
  });

program
  .command('rates')
  .description('print current rates with source and age')
  .option(
    '--pairs <pairs>',
    'pairs to price, e.g. BTC/USD,ETH/EUR',
    'BTC/USD,LTC/USD,ETH/USD,TRX/USD,USDT_TRC20/USD',
  )
  .action(async (o: { pairs: string }) =>
    withKassa(async (k) => {
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
