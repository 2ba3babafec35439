/**
 * Invoice creation with a real xpub wallet (BIP84, preselected BTC): Kassa next
 * to the reference server (bench/reference-server.ts) in the same run; the
 * growth curve after prior invoices seeded into the database; SQLite and
 * PostgreSQL (16 clients on each of 2 processes); resident memory at rest;
 * statements per create. BENCH_SECONDS (default 8) per point; BENCH_MILLION=1
 * adds the 1,000,000 point.
 */
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HDKey } from '@scure/bip32';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { ensureDemo, startKassa } from '../src/runtime.js';
import { openStore, type Store } from '../src/store/database.js';
import { createTestDatabase } from '../test/support/postgres.js';
import { startProcess, type ServerProcess } from '../test/support/process.js';
import { seedInvoices } from './seed.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const POINTS = [0, 10_000, 100_000, ...(process.env.BENCH_MILLION ? [1_000_000] : [])];
const API_KEY = 'kassa_bench_key_0123456789abcdef';
const SHOP = 'benchshop';
const GC_PRELOAD = path.resolve('bench/gc-on-signal.cjs');
const zpub = () => HDKey.fromMasterSeed(randomBytes(32)).derive("m/84'/0'/0'").publicExtendedKey;
const body = JSON.stringify({
  shop_id: SHOP,
  amount: '100.00',
  payment_currency: 'BTC',
  test_mode: false,
});
const auth = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

interface Load {
  rps: number;
  failed: number;
  done: number;
}

async function load(urls: string[], opts: { seconds?: number; amount?: number }): Promise<Load> {
  const runs = await Promise.all(
    urls.map((u) =>
      autocannon({
        url: `${u}/api/v1/invoices`,
        connections: 16,
        // A loaded machine can take seconds per answer; a timeout is not a failed create.
        timeout: 60,
        ...(opts.amount
          ? { amount: Math.ceil(opts.amount / urls.length) }
          : { duration: opts.seconds }),
        method: 'POST',
        body,
        headers: auth,
      }),
    ),
  );
  return {
    rps: runs.reduce((s, r) => s + r.requests.average, 0),
    failed: runs.reduce((s, r) => s + r.non2xx + r.errors, 0),
    done: runs.reduce((s, r) => s + r.requests.total, 0),
  };
}

async function restingRss(p: ServerProcess): Promise<number> {
  await new Promise((r) => setTimeout(r, 5000));
  // One GC right after start leaves ~30 MiB V8 has not returned yet; a few full GCs apart reach rest.
  for (let i = 0; i < 5; i++) {
    p.child.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, 1000));
  }
  return p.rssMiB();
}

async function startKassaProcess(env: Record<string, string>) {
  return startProcess('dist/cli/main.js', ['start'], {
    LOG_LEVEL: 'silent',
    KASSA_DEMO_API_KEY: API_KEY,
    KASSA_DEMO_SHOP_ID: SHOP,
    NODE_OPTIONS: `--require ${GC_PRELOAD}`,
    ...env,
  });
}

async function setWallet(url: string, key: string) {
  const r = await fetch(`${url}/api/v1/projects/${SHOP}`, {
    method: 'PATCH',
    headers: auth,
    body: JSON.stringify({ wallets: { BTC: { key } } }),
  });
  if (r.status !== 200) throw new Error(`wallet not set: ${r.status} ${await r.text()}`);
}

const f = (x: number) => Math.round(x);

async function growth(
  store: Store,
  key: string,
  urls: string[],
  out: Record<string, string | number>,
  label: string,
): Promise<number[]> {
  const rates: number[] = [];
  for (const n of POINTS) {
    const started = Date.now();
    await seedInvoices(store.db, SHOP, key, n);
    // Fresh planner statistics, as autovacuum would have them for a shop that grew over time.
    if (store.engine === 'postgres') await sql`analyze`.execute(store.db);
    const seeded = (Date.now() - started) / 1000;
    const r = await load(urls, { seconds: SECONDS });
    rates.push(r.rps);
    out[`${label}: creates/s after ${n.toLocaleString('en')} prior invoices`] =
      `${f(r.rps)} (${r.failed} failed; seeding took ${seeded.toFixed(0)} s)`;
  }
  const last = rates[rates.length - 1]!;
  out[`${label}: rate at ${POINTS[POINTS.length - 1]!.toLocaleString('en')} / rate at 0`] = (
    last / rates[0]!
  ).toFixed(2);
  return rates;
}

async function statementsPerCreate(): Promise<number> {
  let count = 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-stmts-'));
  const config = loadConfig({ DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  const kassa = await startKassa({ ...config, PUBLIC_URL: '' }, { onStatement: () => count++ });
  const demo = await ensureDemo(kassa);
  const headers = { authorization: `Bearer ${demo.apiKey}`, 'content-type': 'application/json' };
  await fetch(`${kassa.url}/api/v1/projects/${demo.shopId}`, {
    method: 'PATCH',
    headers,
    body: JSON.stringify({ wallets: { BTC: { key: zpub() } } }),
  });
  const createOne = () =>
    fetch(`${kassa.url}/api/v1/invoices`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        shop_id: demo.shopId,
        amount: '100.00',
        payment_currency: 'BTC',
        test_mode: false,
      }),
    });
  await createOne();
  await new Promise((r) => setTimeout(r, 1000));
  // Background loops (recheck, mail) run statements too: measure them idle and subtract.
  const idleFrom = count;
  const idleStart = Date.now();
  await new Promise((r) => setTimeout(r, 3000));
  const idlePerMs = (count - idleFrom) / (Date.now() - idleStart);
  const N = 50;
  const before = count;
  const started = Date.now();
  for (let i = 0; i < N; i++) await createOne();
  const total = count - before - idlePerMs * (Date.now() - started);
  await kassa.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return total / N;
}

export async function benchCreation(): Promise<Record<string, string | number>> {
  const out: Record<string, string | number> = {};
  out['machine load average (1 min) at start'] = os.loadavg()[0]!.toFixed(1);
  execSync('npm run --silent build', { stdio: 'ignore' });

  // Reference server and Kassa on SQLite, same machine, same load.
  const refDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-ref-'));
  const key = zpub();
  const ref = await startProcess('bench/reference-server.ts', [], {
    SQLITE_PATH: path.join(refDir, 'ref.sqlite'),
    WALLET_KEY: key,
  });
  const refRun = await load([ref.url], { seconds: SECONDS });
  await ref.stop();
  fs.rmSync(refDir, { recursive: true, force: true });
  out['reference server (same writes + one derivation), creates/s'] = f(refRun.rps);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-'));
  const kassa = await startKassaProcess({ DATA_DIR: dataDir });
  out['idle RSS, SQLite, no chain configured, after GC (MiB)'] = (await restingRss(kassa)).toFixed(
    1,
  );
  await setWallet(kassa.url, key);
  const sqlite = openStore({ sqlitePath: path.join(dataDir, 'kassa.sqlite') });
  const rates = await growth(sqlite, key, [kassa.url], out, 'SQLite');
  out['SQLite: Kassa / reference at 0 prior invoices'] = (rates[0]! / refRun.rps).toFixed(2);
  out['RSS after the growth runs (100,000+ invoices), after GC (MiB)'] = (
    await restingRss(kassa)
  ).toFixed(1);
  await sqlite.close();
  await kassa.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });

  // PostgreSQL: 16 clients on each of 2 processes.
  const db = await createTestDatabase('kassa_bench');
  try {
    const pgEnv = { DATABASE_URL: db.url, DATA_DIR: '/tmp/kassa-unused' };
    const a = await startKassaProcess(pgEnv);
    const b = await startKassaProcess({ ...pgEnv, KASSA_ROLES: 'api' });
    const pgKey = zpub();
    await setWallet(a.url, pgKey);
    const distinct = await load([a.url, b.url], { amount: 10_000 });
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const idx = await c.query<{ n: string; d: string; hi: number }>(
      `select count(*) as n, count(distinct idx) as d, max(idx) as hi from address_allocations where chain = 'BTC'`,
    );
    await c.end();
    const row = idx.rows[0]!;
    out['PostgreSQL: 10,000 creates across 2 processes x 16 clients'] =
      `${distinct.done} done, ${distinct.failed} failed, ${row.d} distinct indexes of ${row.n}, highest ${row.hi}`;
    const pgStore = openStore({ databaseUrl: db.url, poolSize: 2 });
    const pgRates = await growth(pgStore, pgKey, [a.url, b.url], out, 'PostgreSQL (2 processes)');
    out['PostgreSQL / SQLite at 0 prior invoices'] = (pgRates[0]! / rates[0]!).toFixed(2);
    await pgStore.close();
    await a.stop();
    await b.stop();
  } finally {
    await db.drop();
  }
  out['SQL statements per create (SQLite, counted, incl. BEGIN/COMMIT)'] = (
    await statementsPerCreate()
  ).toFixed(1);
  out['machine load average (1 min) at end'] = os.loadavg()[0]!.toFixed(1);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [k, v] of Object.entries(await benchCreation())) console.log(`  ${k}: ${v}`);
}
