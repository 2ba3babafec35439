/**
 * The PostgreSQL growth curve alone: two processes over a fresh database next
 * to two over a database seeded to 10,000 and then 100,000 invoices, loaded in
 * turn (sideBySide), BENCH_REPEATS times (default 3) at each point;
 * BENCH_MILLION=1 adds the 1,000,000 point. The same
 * method as the growth rows of bench/creation.ts, without its other parts;
 * runs the compiled server (`npm run build` first).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openStore } from '../src/store/database.js';
import { createTestDatabase } from '../test/support/postgres.js';
import type { ServerProcess } from '../test/support/process.js';
import { setWallet, sideBySide, startKassaProcess, zpub } from './creation.js';
import { seedInvoices } from './seed.js';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const POINTS = [10_000, 100_000, ...(process.env.BENCH_MILLION ? [1_000_000] : [])];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-pg-'));
const procs: ServerProcess[] = [];
const fresh = await createTestDatabase('kassa_bench');
const grown = await createTestDatabase('kassa_bench');
async function pair(url: string, key: string): Promise<ServerProcess[]> {
  const env = { DATABASE_URL: url, DATA_DIR: dataDir };
  const a = await startKassaProcess(env);
  const b = await startKassaProcess({ ...env, KASSA_ROLES: 'api' });
  procs.push(a, b);
  await setWallet(a.url, key);
  return [a, b];
}
try {
  const base = await pair(fresh.url, zpub());
  const key = zpub();
  const big = await pair(grown.url, key);
  const store = openStore({ databaseUrl: grown.url, poolSize: 2 });
  for (const n of POINTS) {
    await seedInvoices(store.db, 'benchshop', key, n);
    await sql`vacuum analyze`.execute(store.db);
    await sql`checkpoint`.execute(store.db);
    for (let i = 0; i < REPEATS; i++) {
      const load = os.loadavg()[0]!.toFixed(1);
      const [f, g] = await sideBySide(base, big);
      console.log(
        `  after ${n.toLocaleString('en')} prior invoices / fresh: ${Math.round(g.rps)} / ${Math.round(f.rps)} = ${(g.rps / f.rps).toFixed(2)}; CPU ms per create ${g.cpuMs.toFixed(2)} / ${f.cpuMs.toFixed(2)}; ${g.failed + f.failed} failed; load ${load}`,
      );
    }
  }
  await store.close();
} finally {
  for (const p of procs) await p.stop();
  await fresh.drop();
  await grown.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
