/**
 * The real settle path (API -> payments use case -> settle -> events ->
 * outbox) under injected faults, on SQLite and PostgreSQL: a statement the
 * database refuses after the events insert, an error thrown inside the unit of
 * work after every write, and SIGKILL of a Kassa process at chosen points.
 * Either the payment, the status, the events and every delivery they call for
 * are committed, or none of them is.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import type { CallbackTables } from '../../src/store/deliveries-repository.js';
import type { Database } from '../../src/store/schema.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { startProcess, type ServerProcess } from '../support/process.js';

type Engine = 'sqlite' | 'postgres';
const ENGINES: Engine[] = ['sqlite', 'postgres'];

/** Everything one payment may change for an invoice, as stored. */
async function stored(db: Kysely<Database>, invoiceId: string) {
  const invoice = await db
    .selectFrom('invoices')
    .select(['status', 'received_confirmed', 'received_unconfirmed'])
    .where('id', '=', invoiceId)
    .executeTakeFirstOrThrow();
  const payments = await db
    .selectFrom('payments')
    .select(['id', 'confirmations'])
    .where('invoice_id', '=', invoiceId)
    .orderBy('id')
    .execute();
  const events = await db
    .selectFrom('events')
    .select(['id', 'type'])
    .where('invoice_id', '=', invoiceId)
    .orderBy('id')
    .execute();
  const deliveries = await db
    .withTables<CallbackTables>()
    .selectFrom('deliveries')
    .select(['event_id', 'endpoint_id'])
    .where('invoice_id', '=', invoiceId)
    .orderBy('event_id')
    .orderBy('endpoint_id')
    .execute();
  return { invoice, payments, events, deliveries };
}
type Stored = Awaited<ReturnType<typeof stored>>;

/**
 * The full payment is there with every delivery it calls for: the native
 * endpoint one per new event, the CryptoPay-format endpoint at least the
 * payment's and the status change's.
 */
function expectCommitted(
  before: Stored,
  after: Stored,
  endpoints: { native: string; cryptopay: string },
) {
  expect(after.invoice.status).toBe('paid');
  expect(after.payments).toHaveLength(before.payments.length + 1);
  const fresh = after.events.filter((e) => !before.events.some((b) => b.id === e.id));
  expect(fresh.map((e) => e.type).sort()).toEqual(
    ['invoice.status_changed', 'payment.confirmed', 'payment.seen'].sort(),
  );
  const freshDeliveries = after.deliveries.filter((d) => fresh.some((e) => e.id === d.event_id));
  expect(
    freshDeliveries
      .filter((d) => d.endpoint_id === endpoints.native)
      .map((d) => d.event_id)
      .sort(),
  ).toEqual(fresh.map((e) => e.id).sort());
  expect(
    freshDeliveries.filter((d) => d.endpoint_id === endpoints.cryptopay).length,
  ).toBeGreaterThan(0);
}

const faultsFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-faults-')), 'arm');

describe.each(ENGINES)('outbox atomicity in the running settle path (%s)', (engine) => {
  let kassa: TestKassa;
  let pg: TestDatabase | undefined;
  const faults = faultsFile();
  const endpoints = { native: '', cryptopay: '' };

  beforeAll(async () => {
    process.env.KASSA_TEST_FAULTS = faults;
    if (engine === 'postgres') pg = await createTestDatabase('kassa_faults');
    // The injected failures are logged as errors; keep the output for real ones.
    kassa = await startTestKassa({ LOG_LEVEL: 'fatal', ...(pg ? { DATABASE_URL: pg.url } : {}) });
    for (const format of ['native', 'cryptopay'] as const) {
      const ep = await kassa.api('POST', `/api/v1/projects/${kassa.shopId}/webhook-endpoints`, {
        url: 'http://127.0.0.1:9/unreachable',
        format,
      });
      expect(ep.status, JSON.stringify(ep.body)).toBe(201);
      endpoints[format] = ep.body.id;
    }
  });

  afterAll(async () => {
    delete process.env.KASSA_TEST_FAULTS;
    await kassa?.stop();
    await pg?.drop();
    fs.rmSync(path.dirname(faults), { recursive: true, force: true });
  });

  async function invoice(): Promise<string> {
    const r = await kassa.api('POST', '/api/v1/invoices', {
      shop_id: kassa.shopId,
      amount: '10.00',
      payment_currency: 'BTC',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id;
  }

  it.each([
    ['a statement the database refuses after the events insert', 'events-inserted:fail-sql'],
    ['an error thrown after the events insert', 'events-inserted:throw'],
    [
      'a statement the database refuses after the deliveries insert',
      'deliveries-inserted:fail-sql',
    ],
    ['an error thrown inside the unit of work after every write', 'deliveries-inserted:throw'],
  ])(
    'keeps nothing of a payment when %s, and everything once it goes through',
    async (_, fault) => {
      const id = await invoice();
      const before = await stored(kassa.store.db, id);
      fs.writeFileSync(faults, fault);
      const failed = await kassa.api('POST', `/api/v1/invoices/${id}/test-payments`, {});
      fs.rmSync(faults);
      expect(failed.status).toBe(500);
      expect(await stored(kassa.store.db, id)).toEqual(before);

      const paid = await kassa.api('POST', `/api/v1/invoices/${id}/test-payments`, {});
      expect(paid.status, JSON.stringify(paid.body)).toBe(201);
      expectCommitted(before, await stored(kassa.store.db, id), endpoints);
    },
  );

  it('keeps a confirmation undone by a fault entirely out, then commits it whole', async () => {
    const id = await invoice();
    const seen = await kassa.api('POST', `/api/v1/invoices/${id}/test-payments`, {
      confirmed: false,
    });
    expect(seen.status).toBe(201);
    const confirm = `/api/v1/invoices/${id}/test-payments/${seen.body.payment.id}/confirm`;
    const before = await stored(kassa.store.db, id);
    expect(before.invoice.status).toBe('pending');
    fs.writeFileSync(faults, 'deliveries-inserted:fail-sql');
    const failed = await kassa.api('POST', confirm);
    fs.rmSync(faults);
    expect(failed.status).toBe(500);
    expect(await stored(kassa.store.db, id)).toEqual(before);

    expect((await kassa.api('POST', confirm)).status).toBe(200);
    const after = await stored(kassa.store.db, id);
    expect(after.invoice.status).toBe('paid');
    const fresh = after.events.filter((e) => !before.events.some((b) => b.id === e.id));
    expect(fresh.map((e) => e.type).sort()).toEqual([
      'invoice.status_changed',
      'payment.confirmed',
    ]);
    expect(
      after.deliveries
        .filter((d) => d.endpoint_id === endpoints.native && fresh.some((e) => e.id === d.event_id))
        .map((d) => d.event_id)
        .sort(),
    ).toEqual(fresh.map((e) => e.id).sort());
  });
});

describe.each(ENGINES)('outbox atomicity when Kassa is killed mid-payment (%s)', (engine) => {
  const key = 'kassa_faults_kill_key_0123456789';
  const shop = 'faultshop';
  const faults = faultsFile();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-faults-kill-'));
  const endpoints = { native: '', cryptopay: '' };
  let pg: TestDatabase | undefined;
  let kassa: ServerProcess | null = null;
  let store: Store;

  const env = () => ({
    DATA_DIR: dataDir,
    ...(pg ? { DATABASE_URL: pg.url } : {}),
    KASSA_DEMO_API_KEY: key,
    KASSA_DEMO_SHOP_ID: shop,
    ALLOW_PRIVATE_CALLBACKS: 'true',
    LOG_LEVEL: 'fatal',
    NODE_ENV: 'test',
    KASSA_TEST_FAULTS: faults,
  });

  const call = async (method: string, p: string, body?: unknown) => {
    const r = await fetch(kassa!.url + p, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: (await r.json()) as any };
  };

  beforeAll(async () => {
    if (engine === 'postgres') pg = await createTestDatabase('kassa_faults_kill');
    kassa = await startProcess('src/cli/main.ts', ['start'], env());
    for (const format of ['native', 'cryptopay'] as const) {
      const ep = await call('POST', `/api/v1/projects/${shop}/webhook-endpoints`, {
        url: 'http://127.0.0.1:9/unreachable',
        format,
      });
      expect(ep.status, JSON.stringify(ep.body)).toBe(201);
      endpoints[format] = ep.body.id;
    }
    store = openStore(
      pg ? { databaseUrl: pg.url } : { sqlitePath: path.join(dataDir, 'kassa.sqlite') },
    );
  });

  afterAll(async () => {
    kassa?.child.kill('SIGKILL');
    await store?.close();
    await pg?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(path.dirname(faults), { recursive: true, force: true });
  });

  /** Pays a fresh invoice with the fault armed; returns what was stored before and after the kill. */
  async function payAndKill(fault: string): Promise<{ before: Stored; after: Stored }> {
    kassa ??= await startProcess('src/cli/main.ts', ['start'], env());
    const inv = await call('POST', '/api/v1/invoices', {
      shop_id: shop,
      amount: '10.00',
      payment_currency: 'BTC',
    });
    expect(inv.status, JSON.stringify(inv.body)).toBe(201);
    const before = await stored(store.db, inv.body.id);
    const child = kassa.child;
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    fs.writeFileSync(faults, fault);
    try {
      await expect(
        call('POST', `/api/v1/invoices/${inv.body.id}/test-payments`, {}),
      ).rejects.toThrow();
      expect(await exited).toBe('SIGKILL');
    } finally {
      fs.rmSync(faults, { force: true });
      kassa = null;
    }
    return { before, after: await stored(store.db, inv.body.id) };
  }

  it.each(['events-inserted', 'deliveries-inserted'])(
    'keeps nothing of a payment when the process dies at %s, before the commit',
    async (point) => {
      const { before, after } = await payAndKill(`${point}:kill`);
      expect(after).toEqual(before);
    },
  );

  it('keeps the whole payment with every delivery when the process dies right after the commit', async () => {
    const { before, after } = await payAndKill('committed:kill');
    expectCommitted(before, after, endpoints);
  });
});
