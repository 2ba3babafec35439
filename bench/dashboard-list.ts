/**
 * Dashboard invoice list at 100,000 invoices (SQLite): first page, a filtered
 * page and a search, timed over loopback HTTP (median of 20), and the CSV
 * export of all of them with the process's peak RSS growth while it streams.
 */
import { loadConfig } from '../src/config.js';
import { createUser } from '../src/app/users.js';
import { ensureDemo, startKassa } from '../src/runtime.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DashClient } from '../test/dashboard/helpers.js';
import { seedInvoices } from './seed.js';

const TOTAL = Number(process.env.BENCH_DASHBOARD_INVOICES ?? 100_000);
const PASSWORD = 'bench password 0123456789';

async function median(fn: () => Promise<void>, n = 20): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(n / 2)]!;
}

export async function benchDashboard(): Promise<Record<string, string>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-dash-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATA_DIR: dataDir });
  const kassa = await startKassa({ ...config, KASSA_ROLES: ['api'] });
  try {
    const demo = await ensureDemo(kassa);
    const started = Date.now();
    await seedInvoices(kassa.store.db, demo.shopId, 'bench-wallet', TOTAL);
    const seeded = (Date.now() - started) / 1000;
    await createUser(
      { access: kassa.access, clock: kassa.ctx.clock, store: kassa.ctx.store },
      { accountId: demo.accountId, email: 'bench@shop.test', role: 'viewer', password: PASSWORD },
      { accountId: demo.accountId, userId: null, name: 'bench', ip: null },
    );
    const c = new DashClient(kassa.url);
    if ((await c.signIn('bench@shop.test', PASSWORD)).status !== 303)
      throw new Error('sign-in failed');
    const ok = async (p: string) => {
      const r = await c.get(p);
      if (r.status !== 200) throw new Error(`${p}: ${r.status}`);
    };
    const first = await median(() => ok('/dashboard/invoices'));
    const filtered = await median(() =>
      ok('/dashboard/invoices?status=canceled&currency=BTC&from=2000-01-01'),
    );
    const address = 'seed_no_such_address';
    const search = await median(() => ok(`/dashboard/invoices?q=${address}`));
    const empty = await median(() => ok('/dashboard/invoices?status=paid'), 5);

    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const t = Date.now();
    const res = await fetch(`${kassa.url}/dashboard/invoices.csv`, {
      headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    let lines = 0;
    const reader = res.body!.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const b of value) if (b === 10) lines += 1;
    }
    clearInterval(sampler);
    const csvSeconds = (Date.now() - t) / 1000;
    return {
      invoices: `${TOTAL.toLocaleString('en')} (seeding took ${seeded.toFixed(0)} s)`,
      'first page (50 rows), median ms': first.toFixed(1),
      'filtered page (status, currency, date), median ms': filtered.toFixed(1),
      'search (address, no match), median ms': search.toFixed(1),
      'filter matching nothing (status=paid), median ms': empty.toFixed(1),
      'CSV export rows': String(lines - 1),
      'CSV export seconds': csvSeconds.toFixed(1),
      'CSV export peak RSS growth, MiB': ((peak - before) / 1024 / 1024).toFixed(1),
    };
  } finally {
    await kassa.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('dashboard-list.ts')) {
  const figures = await benchDashboard();
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k}: ${v}`);
}
