/**
 * The dispatcher against real local receivers: retries on the backoff schedule,
 * gives up after it, keeps each invoice's callbacks in order, and never lets a
 * slow or failing endpoint hold back the others.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dispatcher, type DispatcherOptions } from '../../src/callbacks/dispatcher.js';
import type { InvoiceStatus } from '../../src/domain/invoice-status.js';
import { DeliveriesRepository } from '../../src/store/deliveries-repository.js';
import { withCallbackTables } from '../../src/store/deliveries-repository.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import {
  addEndpoint,
  appendEvents,
  deliveryRows,
  invoiceSnapshot,
  quietLogger,
  seedInvoice,
  seedProject,
  type Seeded,
} from './helpers/fixtures.js';
import { createTestStore, ENGINES, type TestStore } from './helpers/stores.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const eventIdOf = (body: string) => (JSON.parse(body) as { id: string }).id;
const invoiceOf = (body: string) =>
  (JSON.parse(body) as { data: { invoice: { id: string } } }).data.invoice.id;

describe.each(ENGINES)('dispatcher on %s', (engine) => {
  let store: TestStore;
  let receiver: Receiver;
  let seeded: Seeded;
  const dispatchers: Dispatcher[] = [];

  const dispatcher = async (opts: Partial<DispatcherOptions> = {}) => {
    const d = new Dispatcher({
      queue: new DeliveriesRepository(store.db, engine),
      logger: await quietLogger(),
      allowPrivate: true,
      pollMs: 20,
      ...opts,
    });
    dispatchers.push(d);
    return d;
  };

  const statusEvent = async (
    inv: { id: string; uuid: string },
    status: InvoiceStatus = 'pending',
  ) =>
    appendEvents(store.db, seeded.shopId, [
      {
        invoiceId: inv.id,
        type: 'invoice.status_changed',
        data: { invoice: invoiceSnapshot(inv, seeded.shopId, { status }) },
      },
    ]);

  beforeEach(async () => {
    store = await createTestStore(engine);
    receiver = await startReceiver();
    seeded = await seedProject(store.db);
  });

  afterEach(async () => {
    for (const d of dispatchers.splice(0)) await d.stop();
    await receiver.close();
    await store.destroy();
  });

  it('retries on the 10 s, 1 min schedule while the receiver is down and delivers once it is up', async () => {
    let now = 1_700_000_000_000;
    const d = await dispatcher({ clock: { now: () => now }, jitter: 0 });
    const ep = await addEndpoint(store.db, seeded.shopId, `${receiver.url}/hook`, 'native', SECRET);
    const inv = await seedInvoice(store.db, seeded);
    await statusEvent(inv);
    await withCallbackTables(store.db)
      .updateTable('deliveries')
      .set({ next_attempt_at: now })
      .execute();
    await receiver.down();

    expect(await d.runOnce()).toBe(1);
    let [row] = await deliveryRows(store.db);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: now + 10_000 });
    expect(row?.last_error).toMatch(/ECONNREFUSED/);

    now += 9_999;
    expect(await d.runOnce()).toBe(0);
    now += 1;
    expect(await d.runOnce()).toBe(1);
    [row] = await deliveryRows(store.db);
    expect(row).toMatchObject({ status: 'pending', attempts: 2, next_attempt_at: now + 60_000 });

    await receiver.up();
    now += 60_000;
    expect(await d.runOnce()).toBe(1);
    [row] = await deliveryRows(store.db);
    expect(row).toMatchObject({
      status: 'delivered',
      attempts: 3,
      endpoint_id: ep,
      last_response_code: 200,
    });
    expect(receiver.requests).toHaveLength(1);
    const log = await withCallbackTables(store.db)
      .selectFrom('delivery_attempts')
      .select(['attempt', 'response_code'])
      .orderBy('attempt')
      .execute();
    expect(log).toEqual([
      { attempt: 1, response_code: null },
      { attempt: 2, response_code: null },
      { attempt: 3, response_code: 200 },
    ]);
  });

  it('marks a delivery failed once the retry schedule is spent, keeping the response excerpt', async () => {
    receiver.respond = () => ({ status: 500, body: 'database is on fire' });
    await addEndpoint(store.db, seeded.shopId, `${receiver.url}/hook`, 'native', SECRET);
    const d = await dispatcher({ retrySchedule: [10, 10], jitter: 0 });
    await statusEvent(await seedInvoice(store.db, seeded));
    d.start();
    await receiver.waitFor((r) => r.length >= 3);
    await waitForRow(store, (r) => r.status === 'failed');
    const [row] = await deliveryRows(store.db);
    expect(row).toMatchObject({ status: 'failed', attempts: 3, last_response_code: 500 });
    expect(row?.last_response_excerpt).toBe('database is on fire');
    // Nothing is left to send: the outbox holds no pending delivery.
    expect((await deliveryRows(store.db)).filter((r) => r.status === 'pending')).toEqual([]);
    expect(receiver.requests).toHaveLength(3);
  });

  it('delivers an invoice’s events in order while a failing one holds them, and other invoices go on', async () => {
    await addEndpoint(store.db, seeded.shopId, `${receiver.url}/hook`, 'native', SECRET);
    const a = await seedInvoice(store.db, seeded);
    const b = await seedInvoice(store.db, seeded);
    const statuses = ['pending', 'partial', 'paid'] as const;
    const aEvents: string[] = [];
    const bEvents: string[] = [];
    for (const s of statuses) {
      aEvents.push(...(await statusEvent(a, s)).map((e) => e.id));
      bEvents.push(...(await statusEvent(b, s)).map((e) => e.id));
    }
    let failedOnce = false;
    receiver.respond = (r) => {
      if (!failedOnce && eventIdOf(r.body) === aEvents[0]) {
        failedOnce = true;
        return { status: 503 };
      }
      return { status: 200 };
    };
    const d = await dispatcher({ retrySchedule: [1_500], jitter: 0 });
    d.start();
    await receiver.waitFor((r) => r.filter((x) => x.headers['webhook-id']).length >= 7);
    const seq = receiver.requests.map((r) => ({ id: eventIdOf(r.body), inv: invoiceOf(r.body) }));
    expect(seq.filter((x) => x.inv === a.id).map((x) => x.id)).toEqual([aEvents[0], ...aEvents]);
    expect(seq.filter((x) => x.inv === b.id).map((x) => x.id)).toEqual(bEvents);
    // Invoice B was fully delivered while A's first event waited for its retry.
    const lastB = seq.map((x) => x.id).lastIndexOf(bEvents[2] as string);
    const retryA = seq.map((x) => x.id).lastIndexOf(aEvents[0] as string);
    expect(lastB).toBeLessThan(retryA);
  });

  it('keeps sending to other endpoints while a slow receiver times out', async () => {
    const slow = await startReceiver();
    try {
      slow.respond = () => ({ status: 200, delayMs: 5_000 });
      const slowEp = await addEndpoint(
        store.db,
        seeded.shopId,
        `${slow.url}/slow`,
        'native',
        SECRET,
      );
      await addEndpoint(store.db, seeded.shopId, `${receiver.url}/fast`, 'native', SECRET);
      for (let i = 0; i < 8; i++) await statusEvent(await seedInvoice(store.db, seeded));
      const d = await dispatcher({ timeoutMs: 2_500, concurrency: 6, perEndpoint: 2 });
      d.start();
      const fastDone = (rows: Awaited<ReturnType<typeof deliveryRows>>) =>
        rows.filter((r) => r.endpoint_id !== slowEp && r.status === 'delivered').length === 8;
      await waitForRows(store, (rows) => fastDone(rows));
      await waitForRows(store, (rows) =>
        rows.some((r) => r.endpoint_id === slowEp && r.attempts > 0),
      );
      const rows = await deliveryRows(store.db);
      const slowRows = rows.filter((r) => r.endpoint_id === slowEp && r.attempts > 0);
      const firstSlowEnd = Math.min(
        ...slowRows.map((r) => Number(r.last_attempt_at) + Number(r.last_duration_ms)),
      );
      const lastFast = Math.max(
        ...rows.filter((r) => r.endpoint_id !== slowEp).map((r) => Number(r.delivered_at)),
      );
      // Every fast delivery landed before the slow endpoint had answered or timed out even once.
      expect(lastFast).toBeLessThan(firstSlowEnd);
      expect(receiver.requests).toHaveLength(8);
      for (const r of slowRows) {
        expect(r.last_error).toMatch(/timeout after 2500 ms/);
        expect(r.status).toBe('pending');
      }
    } finally {
      await slow.close();
    }
  });

  it('holds deliveries of a disabled endpoint and sends them once it is enabled again', async () => {
    const ep = await addEndpoint(store.db, seeded.shopId, `${receiver.url}/hook`, 'native', SECRET);
    await statusEvent(await seedInvoice(store.db, seeded));
    await withCallbackTables(store.db)
      .updateTable('callback_endpoints')
      .set({ enabled: 0 })
      .execute();
    await statusEvent(await seedInvoice(store.db, seeded));
    const d = await dispatcher();
    expect(await d.runOnce()).toBe(0);
    expect(await deliveryRows(store.db)).toHaveLength(1);
    await withCallbackTables(store.db)
      .updateTable('callback_endpoints')
      .set({ enabled: 1 })
      .where('id', '=', ep)
      .execute();
    expect(await d.runOnce()).toBe(1);
    expect(receiver.requests).toHaveLength(1);
  });
});

async function waitForRows(
  store: TestStore,
  predicate: (rows: Awaited<ReturnType<typeof deliveryRows>>) => boolean,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate(await deliveryRows(store.db))) {
    if (Date.now() > deadline)
      throw new Error('deliveries did not reach the expected state in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function waitForRow(
  store: TestStore,
  predicate: (r: Awaited<ReturnType<typeof deliveryRows>>[number]) => boolean,
) {
  await waitForRows(store, (rows) => rows.some(predicate));
}
