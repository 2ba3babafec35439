/**
 * Callback throughput: signed native deliveries per second from the outbox to a
 * local HTTP receiver, on SQLite and (when reachable) PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { pino } from 'pino';
import { Dispatcher } from '../src/callbacks/dispatcher.js';
import { DeliveriesRepository } from '../src/store/deliveries-repository.js';
import { migrateToLatest, openStore, type Store } from '../src/store/database.js';
import { newId } from '../src/app/ids.js';
import { eventRouting } from '../src/callbacks/routing.js';
import { withCallbackTables } from '../src/store/deliveries-repository.js';
import { enqueueDeliveries } from '../src/store/outbox.js';
import type { EventsTable } from '../src/store/schema.js';
import { spawn, type ChildProcess } from 'node:child_process';

const INVOICES = 1000;
const EVENTS_PER_INVOICE = 2;
const PG_URL = process.env.KASSA_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function seed(store: Store, url: string): Promise<number> {
  const now = Date.now();
  const db = store.db;
  await db
    .insertInto('accounts')
    .values({ id: 'acc_bench', name: 'bench', created_at: now })
    .execute();
  await db
    .insertInto('projects')
    .values({
      id: 'shop_bench',
      account_id: 'acc_bench',
      name: 'bench',
      settings: '{}',
      secret_key: 'sk',
      test_mode: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await withCallbackTables(db)
    .insertInto('callback_endpoints')
    .values({
      id: 'whep_bench',
      project_id: 'shop_bench',
      url,
      format: 'native',
      content_type: 'json',
      events: null,
      secret: `whsec_${randomBytes(24).toString('base64')}`,
      previous_secret: null,
      previous_secret_expires_at: null,
      enabled: 1,
      description: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const invoice = (id: string, status: string) => ({
    id,
    uuid: 'INV-BENCH000',
    shop_id: 'shop_bench',
    status,
    received: '0.0015',
    received_units: '150000',
    remaining: '0',
    remaining_units: '0',
  });
  for (let i = 0; i < INVOICES; i += 100) {
    const rows: EventsTable[] = [];
    for (let j = i; j < i + 100; j++)
      for (const status of ['pending', 'paid'].slice(0, EVENTS_PER_INVOICE))
        rows.push({
          id: newId('evt'),
          invoice_id: `inv_${j}`,
          project_id: 'shop_bench',
          type: 'invoice.status_changed',
          data: JSON.stringify({ invoice: invoice(`inv_${j}`, status) }),
          created_at: now,
        });
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('events').values(rows).execute();
      await enqueueDeliveries(trx, rows, eventRouting);
    });
  }
  return INVOICES * EVENTS_PER_INVOICE;
}

/** The merchant's server runs in its own process, as it would in production. */
const RECEIVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('ok'); });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

async function startReceiverProcess(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', (c: Buffer) => resolve(c.toString().trim()));
    child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

async function run(
  store: Store,
): Promise<{ deliveries: number; seconds: number; perSecond: number }> {
  const receiver = await startReceiverProcess();
  try {
    const total = await seed(store, `${receiver.url}/hook`);
    const dispatcher = new Dispatcher({
      queue: new DeliveriesRepository(store.db, store.engine),
      logger: pino({ level: 'silent' }),
      allowPrivate: true,
      pollMs: 10,
      concurrency: 32,
      perEndpoint: 32,
    });
    const started = performance.now();
    dispatcher.start();
    while ((await dispatcher.queueDepth()) > 0) await new Promise((r) => setTimeout(r, 5));
    const seconds = (performance.now() - started) / 1000;
    await dispatcher.stop();
    return { deliveries: total, seconds, perSecond: total / seconds };
  } finally {
    receiver.child.kill('SIGTERM');
  }
}

export async function benchCallbacks(): Promise<Record<string, string | number>> {
  const out: Record<string, string | number> = {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-cb-'));
  const sqlite = openStore({ sqlitePath: path.join(dir, 'bench.sqlite') });
  try {
    await migrateToLatest(sqlite);
    const r = await run(sqlite);
    out['callbacks.deliveries'] = r.deliveries;
    out['callbacks.sqlite.deliveries_per_second'] = Math.round(r.perSecond);
  } finally {
    await sqlite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const name = `kassa_bench_cb_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (e) {
    out['callbacks.postgres.deliveries_per_second'] = `unavailable (${(e as Error).message})`;
    await admin.end().catch(() => undefined);
    return out;
  }
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const store = openStore({ databaseUrl: url.toString(), poolSize: 10 });
  try {
    await migrateToLatest(store);
    const r = await run(store);
    out['callbacks.postgres.deliveries_per_second'] = Math.round(r.perSecond);
  } finally {
    await store.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchCallbacks().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
