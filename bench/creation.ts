/**
 * Invoice creation with a real xpub wallet (BIP84, preselected BTC): Kassa next
 * to the reference server (bench/reference-server.ts), both up at once and
 * loaded in turn, BENCH_ROUNDS times (default 3); the cost of synchronous=FULL;
 * the growth curve, a server over a database seeded to each point next to one
 * over a fresh database; SQLite and PostgreSQL (16 clients on each of 2
 * processes); resident memory at rest; statements per create. BENCH_SECONDS
 * (default 8) per comparison; BENCH_MILLION=1 adds the 1,000,000 point.
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
export const zpub = () =>
  HDKey.fromMasterSeed(randomBytes(32)).derive("m/84'/0'/0'").publicExtendedKey;
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
  const started = Date.now();
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
  const done = runs.reduce((s, r) => s + r.requests.total, 0);
  return {
    rps: done / ((Date.now() - started) / 1000),
    failed: runs.reduce((s, r) => s + r.non2xx + r.errors, 0),
    done,
  };
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(p: ServerProcess): number {
  const f = fs.readFileSync(`/proc/${p.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

interface Side {
  rps: number;
  failed: number;
  /** CPU milliseconds per create, every process of the side together. */
  cpuMs: number;
}

/**
 * Two servers (or groups of processes) up at once, loaded in turn in short
 * slices: both see the same machine load, so their ratio holds on a busy
 * machine where two runs one after the other would not compare.
 */
export async function sideBySide(
  a: ServerProcess[],
  b: ServerProcess[],
  seconds = SECONDS,
  slices = 4,
): Promise<[Side, Side]> {
  await load(
    a.map((p) => p.url),
    { seconds: 1 },
  );
  await load(
    b.map((p) => p.url),
    { seconds: 1 },
  );
  const acc = [a, b].map(() => ({ done: 0, failed: 0, ms: 0, cpu: 0 }));
  for (let i = 0; i < slices; i++) {
    for (const [k, side] of [a, b].entries()) {
      const cpu0 = side.reduce((s, p) => s + cpuSeconds(p), 0);
      const t0 = Date.now();
      const r = await load(
        side.map((p) => p.url),
        { seconds: seconds / slices },
      );
      acc[k]!.ms += Date.now() - t0;
      acc[k]!.cpu += side.reduce((s, p) => s + cpuSeconds(p), 0) - cpu0;
      acc[k]!.done += r.done;
      acc[k]!.failed += r.failed;
    }
  }
  const [x, y] = acc.map((s) => ({
    rps: s.done / (s.ms / 1000),
    failed: s.failed,
    cpuMs: (s.cpu * 1000) / Math.max(1, s.done),
  }));
  return [x!, y!];
}

const spread = (xs: number[]) =>
  `${xs.map((x) => x.toFixed(2)).join(', ')} (min ${Math.min(...xs).toFixed(2)}, max ${Math.max(...xs).toFixed(2)})`;

async function restingRss(p: ServerProcess): Promise<number> {
  // V8 keeps the young generation it grew to during start-up (about 30 MiB) until its memory
  // reducer runs, some 10-20 s after activity stops; sampled earlier, RSS reads 90 or 120 MiB
  // by chance. Then a few full GCs a second apart.
  await new Promise((r) => setTimeout(r, 30_000));
  for (let i = 0; i < 5; i++) {
    p.child.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, 1000));
  }
  return p.rssMiB();
}

export async function startKassaProcess(env: Record<string, string>) {
  return startProcess('dist/cli/main.js', ['start'], {
    LOG_LEVEL: 'silent',
    KASSA_DEMO_API_KEY: API_KEY,
    KASSA_DEMO_SHOP_ID: SHOP,
    NODE_OPTIONS: `--require ${GC_PRELOAD}`,
    ...env,
  });
}

export async function setWallet(url: string, key: string) {
  const r = await fetch(`${url}/api/v1/projects/${SHOP}`, {
    method: 'PATCH',
    headers: auth,
    body: JSON.stringify({ wallets: { BTC: { key } } }),
  });
  if (r.status !== 200) throw new Error(`wallet not set: ${r.status} ${await r.text()}`);
}

const f = (x: number) => Math.round(x);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function startRef(key: string, sync: 'FULL' | 'NORMAL') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-ref-'));
  const p = await startProcess('bench/reference-server.ts', [], {
    SQLITE_PATH: path.join(dir, 'ref.sqlite'),
    WALLET_KEY: key,
    REF_SYNC: sync,
  });
  return {
    p,
    async stop() {
      await p.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Growth: a server over a database seeded to each point, next to one over a fresh database. */
async function growth(
  base: ServerProcess[],
  grown: ServerProcess[],
  store: Store,
  key: string,
  out: Record<string, string | number>,
  label: string,
): Promise<void> {
  for (const n of POINTS.filter((x) => x > 0)) {
    const started = Date.now();
    await seedInvoices(store.db, SHOP, key, n);
    // A shop that grew over time has its tables vacuumed and analysed and its pages checkpointed;
    // seeded in seconds, the vacuum and checkpoint would land in the measured run instead.
    if (store.engine === 'postgres') {
      await sql`vacuum analyze`.execute(store.db);
      await sql`checkpoint`.execute(store.db);
    }
    const seeded = (Date.now() - started) / 1000;
    const [b, g] = await sideBySide(base, grown);
    out[`${label}: creates/s after ${n.toLocaleString('en')} prior invoices / fresh database`] =
      `${f(g.rps)} / ${f(b.rps)} = ${(g.rps / b.rps).toFixed(2)} (${g.failed + b.failed} failed; seeding took ${seeded.toFixed(0)} s)`;
  }
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
  const dirs: string[] = [];
  const dataDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-'));
    dirs.push(d);
    return d;
  };
  const procs: ServerProcess[] = [];
  const kassaOn = async (env: Record<string, string>, key: string, setKey = true) => {
    const p = await startKassaProcess(env);
    procs.push(p);
    if (setKey) await setWallet(p.url, key);
    return p;
  };
  const db1 = await createTestDatabase('kassa_bench');
  const db2 = await createTestDatabase('kassa_bench');
  try {
    // Idle memory first, before anything has run in the process.
    const baseDir = dataDir();
    const baseKey = zpub();
    const base = await startKassaProcess({ DATA_DIR: baseDir });
    procs.push(base);
    out['idle RSS, SQLite, no chain configured, after GC (MiB)'] = (await restingRss(base)).toFixed(
      1,
    );
    await setWallet(base.url, baseKey);

    // Kassa and the reference server up together, loaded in turn: same machine, same load.
    const ratios: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const ref = await startRef(zpub(), 'FULL');
      const [r, k] = await sideBySide([ref.p], [base]);
      await ref.stop();
      ratios.push(k.rps / r.rps);
      out[`round ${i + 1}: reference / Kassa creates/s (CPU ms per create)`] =
        `${f(r.rps)} (${r.cpuMs.toFixed(2)}) / ${f(k.rps)} (${k.cpuMs.toFixed(2)}), ${r.failed + k.failed} failed`;
    }
    out['SQLite: Kassa / reference, per round'] = spread(ratios);

    // What power-loss durability costs: the reference's identical writes, FULL against NORMAL.
    const full = await startRef(zpub(), 'FULL');
    const normal = await startRef(zpub(), 'NORMAL');
    const [fu, no] = await sideBySide([full.p], [normal.p]);
    await full.stop();
    await normal.stop();
    out['reference server creates/s, synchronous=FULL / NORMAL'] =
      `${f(fu.rps)} / ${f(no.rps)} = ${(fu.rps / no.rps).toFixed(2)}`;

    const grownDir = dataDir();
    const grownKey = zpub();
    const grown = await kassaOn({ DATA_DIR: grownDir }, grownKey);
    const sqlite = openStore({ sqlitePath: path.join(grownDir, 'kassa.sqlite') });
    await growth([base], [grown], sqlite, grownKey, out, 'SQLite');
    await sqlite.close();
    out['RSS after the growth runs (100,000+ invoices), after GC (MiB)'] = (
      await restingRss(grown)
    ).toFixed(1);

    // PostgreSQL: 16 clients on each of 2 processes.
    // The data lives in PostgreSQL; the data directory is still per run, shared by its processes.
    const pgDir = dataDir();
    const pgEnv = (url: string) => ({ DATABASE_URL: url, DATA_DIR: pgDir });
    const pgKey = zpub();
    const a = await kassaOn(pgEnv(db1.url), pgKey);
    const b = await kassaOn({ ...pgEnv(db1.url), KASSA_ROLES: 'api' }, pgKey, false);
    const distinct = await load([a.url, b.url], { amount: 10_000 });
    const c = new pg.Client({ connectionString: db1.url });
    await c.connect();
    const idx = await c.query<{ n: string; d: string; hi: number }>(
      `select count(*) as n, count(distinct idx) as d, max(idx) as hi from address_allocations where chain = 'BTC'`,
    );
    await c.end();
    const row = idx.rows[0]!;
    out['PostgreSQL: 10,000 creates across 2 processes x 16 clients'] =
      `${distinct.done} done, ${distinct.failed} failed, ${row.d} distinct indexes of ${row.n}, highest ${row.hi}, ${f(distinct.rps)}/s`;
    const [p, s] = await sideBySide([a, b], [base]);
    out['PostgreSQL (2 processes) / SQLite (1 process) creates/s'] =
      `${f(p.rps)} / ${f(s.rps)} = ${(p.rps / s.rps).toFixed(2)} (${p.failed + s.failed} failed)`;
    const pgGrownKey = zpub();
    const ga = await kassaOn(pgEnv(db2.url), pgGrownKey);
    const gb = await kassaOn({ ...pgEnv(db2.url), KASSA_ROLES: 'api' }, pgGrownKey, false);
    const pgStore = openStore({ databaseUrl: db2.url, poolSize: 2 });
    await growth([a, b], [ga, gb], pgStore, pgGrownKey, out, 'PostgreSQL (2 processes)');
    await pgStore.close();
  } finally {
    for (const p of procs) await p.stop();
    await db1.drop();
    await db2.drop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
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
