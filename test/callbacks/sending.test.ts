/**
 * How one request is sent: redirects are never followed, long answers are cut
 * at the cap, and dispatchers sharing one PostgreSQL never send a delivery twice.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/callbacks/dispatcher.js';
import { DeliveriesRepository } from '../../src/store/deliveries-repository.js';
import { openStore } from '../../src/store/database.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import {
  addEndpoint,
  appendEvents,
  deliveryRows,
  invoiceSnapshot,
  quietLogger,
  seedInvoice,
  seedProject,
} from './helpers/fixtures.js';
import { createTestStore, type TestStore } from './helpers/stores.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

describe('sending a callback', () => {
  let store: TestStore;
  let receiver: Receiver;

  beforeAll(async () => {
    store = await createTestStore('sqlite');
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await store.destroy();
  });

  it('treats a redirect as a failed attempt and never follows it', async () => {
    const s = await seedProject(store.db);
    receiver.respond = () => ({ status: 302, body: 'moved' });
    const target = await startReceiver();
    try {
      await addEndpoint(store.db, s.shopId, `${receiver.url}/redirect`, 'native', SECRET);
      const inv = await seedInvoice(store.db, s);
      await appendEvents(store.db, s.shopId, [
        {
          invoiceId: inv.id,
          type: 'invoice.created',
          data: { invoice: invoiceSnapshot(inv, s.shopId) },
        },
      ]);
      const d = new Dispatcher({
        queue: new DeliveriesRepository(store.db, 'sqlite'),
        logger: await quietLogger(),
        allowPrivate: true,
      });
      expect(await d.runOnce()).toBe(1);
      await d.stop();
      const row = (await deliveryRows(store.db)).find((r) => r.invoice_id === inv.id);
      expect(row).toMatchObject({
        status: 'pending',
        attempts: 1,
        last_response_code: 302,
        last_error: 'HTTP 302',
      });
      expect(receiver.requests.filter((r) => r.path === '/redirect')).toHaveLength(1);
      expect(target.requests).toHaveLength(0);
    } finally {
      await target.close();
    }
  });

  it('reads at most the response cap and keeps a short excerpt', async () => {
    const s = await seedProject(store.db);
    receiver.respond = () => ({ status: 200, body: 'x'.repeat(2_000_000) });
    await addEndpoint(store.db, s.shopId, `${receiver.url}/big`, 'native', SECRET);
    const inv = await seedInvoice(store.db, s);
    await appendEvents(store.db, s.shopId, [
      {
        invoiceId: inv.id,
        type: 'invoice.created',
        data: { invoice: invoiceSnapshot(inv, s.shopId) },
      },
    ]);
    const d = new Dispatcher({
      queue: new DeliveriesRepository(store.db, 'sqlite'),
      logger: await quietLogger(),
      allowPrivate: true,
      maxResponseBytes: 4096,
    });
    expect(await d.runOnce()).toBe(1);
    await d.stop();
    const row = (await deliveryRows(store.db)).find((r) => r.invoice_id === inv.id);
    expect(row).toMatchObject({ status: 'delivered', last_response_code: 200 });
    expect(row?.last_response_excerpt).toBe('x'.repeat(1000));
  });
});

describe('dispatchers sharing PostgreSQL', () => {
  let store: TestStore;
  let receiver: Receiver;

  beforeAll(async () => {
    store = await createTestStore('postgres');
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await store.destroy();
  });

  it('claims with SKIP LOCKED so three dispatchers send each delivery exactly once', async () => {
    const s = await seedProject(store.db);
    receiver.respond = () => ({ status: 200, delayMs: 5 });
    await addEndpoint(store.db, s.shopId, `${receiver.url}/a`, 'native', SECRET);
    await addEndpoint(store.db, s.shopId, `${receiver.url}/b`, 'cryptopay', 'secret');
    for (let i = 0; i < 30; i++) {
      const inv = await seedInvoice(store.db, s);
      await appendEvents(store.db, s.shopId, [
        {
          invoiceId: inv.id,
          type: 'payment.seen',
          data: { invoice: invoiceSnapshot(inv, s.shopId, { status: 'pending' }) },
        },
      ]);
    }
    const others = [0, 1].map(() =>
      openStore({ databaseUrl: store.location.databaseUrl, poolSize: 4 }),
    );
    const logger = await quietLogger();
    const dispatchers = [store, ...others].map(
      (st) =>
        new Dispatcher({
          queue: new DeliveriesRepository(st.db, 'postgres'),
          logger,
          allowPrivate: true,
          pollMs: 5,
          concurrency: 8,
          perEndpoint: 8,
        }),
    );
    try {
      for (const d of dispatchers) d.start();
      await receiver.waitFor((r) => r.length >= 60);
      // Every row delivered: none left to claim twice; stopping waits for any send in flight.
      for (;;) {
        const rows = await deliveryRows(store.db);
        if (rows.length === 60 && rows.every((r) => r.status === 'delivered')) break;
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      for (const d of dispatchers) await d.stop();
      for (const o of others) await o.close();
    }
    expect(receiver.requests).toHaveLength(60);
    const rows = await deliveryRows(store.db);
    expect(rows.every((r) => r.status === 'delivered' && r.attempts === 1)).toBe(true);
  });
});
