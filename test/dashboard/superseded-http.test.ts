/**
 * A pending delivery closed by Redeliver is "superseded", not "failed": the API
 * and the dashboard say so, the dispatcher leaves it alone, and the overview's
 * failed deliveries list neither it nor a failure already redelivered.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { addUser, DashClient, PASSWORD } from './helpers.js';

interface Delivery {
  id: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  redelivery_of: string | null;
}

/** The failed deliveries section of the overview page. */
const failedSection = (overview: string) =>
  /<section[^>]*aria-labelledby="h-failed"[\s\S]*?<\/section>/.exec(overview)![0];

for (const engine of ['sqlite', 'postgres'] as const)
  describe(`superseded deliveries on ${engine}`, () => {
    let kassa: TestKassa;
    let receiver: Receiver;
    let pgdb: TestDatabase | undefined;

    beforeAll(async () => {
      if (engine === 'postgres') pgdb = await createTestDatabase('kassa_superseded');
      // One retry, ten minutes out: a delivery that got a 500 stays pending for the test.
      kassa = await startTestKassa({
        KASSA_TEST_MODE: 'true',
        CALLBACK_RETRY_SECONDS: '600',
        ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
      });
      expect(kassa.store.engine).toBe(engine);
      receiver = await startReceiver();
      receiver.respond = () => ({ status: 500, body: 'down' });
      const ep = await kassa.api('POST', `/api/v1/projects/${kassa.shopId}/webhook-endpoints`, {
        url: `${receiver.url}/cb`,
      });
      expect(ep.status, JSON.stringify(ep.body)).toBe(201);
    });

    afterAll(async () => {
      await receiver?.close();
      await kassa?.stop();
      await pgdb?.drop();
    });

    /** A paid test invoice whose callback got one 500 and waits for its retry. */
    async function paidWithPendingCallback(
      order: string,
    ): Promise<{ invoice: string; d: Delivery }> {
      const inv = await kassa.api('POST', '/api/v1/invoices', {
        shop_id: kassa.shopId,
        amount: '3.10',
        order_id: order,
      });
      expect(inv.status, JSON.stringify(inv.body)).toBe(201);
      const chose = await fetch(`${kassa.url}/pay/${inv.body.id}/currency`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: 'currency=LTC',
      });
      expect(chose.status).toBe(200);
      const paid = await kassa.api('POST', `/api/v1/invoices/${inv.body.id}/test-payments`, {});
      expect(paid.status, JSON.stringify(paid.body)).toBe(201);
      let d: Delivery | undefined;
      await expect
        .poll(
          async () => {
            const list = (await kassa.api('GET', `/api/v1/invoices/${inv.body.id}/deliveries`)).body
              .data as Delivery[];
            d = list.find((x) => x.attempts >= 1 && x.status === 'pending');
            return d !== undefined;
          },
          { timeout: 30_000 },
        )
        .toBe(true);
      return { invoice: inv.body.id, d: d! };
    }

    it('marks a pending delivery closed by Redeliver as superseded and leaves it out of the failures', async () => {
      const owner = await addUser(kassa, 'owner');
      const c = new DashClient(kassa.url);
      expect((await c.signIn(owner.email, PASSWORD)).status).toBe(303);
      const { invoice, d } = await paidWithPendingCallback('SUP-1');

      receiver.respond = () => ({ status: 200, body: 'ok' });
      const redeliver = await c.post(`/dashboard/deliveries/${d.id}/redeliver`, {
        _csrf: await c.csrf(),
      });
      expect(redeliver.status).toBe(303);
      const copyId = /\/dashboard\/deliveries\/(dlv_[^?]+)/.exec(
        redeliver.headers.get('location')!,
      )![1]!;

      const original = (await kassa.api('GET', `/api/v1/deliveries/${d.id}`)).body as Delivery;
      expect(original).toMatchObject({ status: 'superseded', next_attempt_at: null, attempts: 1 });
      await expect
        .poll(async () => (await kassa.api('GET', `/api/v1/deliveries/${copyId}`)).body.status, {
          timeout: 30_000,
        })
        .toBe('delivered');
      // The dispatcher did not touch the original after it was superseded.
      expect((await kassa.api('GET', `/api/v1/deliveries/${d.id}`)).body).toMatchObject({
        status: 'superseded',
        attempts: 1,
      });

      const page = await c.get(`/dashboard/deliveries/${d.id}`);
      expect(page.text).toMatch(
        /id="delivery-status"><span class="badge superseded">superseded<\/span>/,
      );
      const detail = await c.get(`/dashboard/invoices/${invoice}`);
      expect(detail.text).toContain('<span class="badge superseded">superseded</span>');
      expect(detail.text).not.toContain('<span class="badge failed">failed</span>');
      const overview = await c.get('/dashboard');
      expect(failedSection(overview.text)).toContain('No failed deliveries.');
    }, 120_000);

    it('lists a delivery that failed until it is redelivered', async () => {
      const owner = await addUser(kassa, 'owner');
      const c = new DashClient(kassa.url);
      expect((await c.signIn(owner.email, PASSWORD)).status).toBe(303);
      receiver.respond = () => ({ status: 500, body: 'down' });
      const { invoice, d } = await paidWithPendingCallback('SUP-2');
      // Its retries spent (three days in real time): what the dispatcher stores then.
      await sql`update deliveries set status = 'failed' where id = ${d.id} and status = 'pending'`.execute(
        kassa.store.db,
      );
      const before = failedSection((await c.get('/dashboard')).text);
      expect(before).toContain(`/dashboard/invoices/${invoice}`);

      receiver.respond = () => ({ status: 200, body: 'ok' });
      const redeliver = await c.post(`/dashboard/deliveries/${d.id}/redeliver`, {
        _csrf: await c.csrf(),
      });
      expect(redeliver.status).toBe(303);
      // A failure stays a failure in the log, but it no longer needs attention.
      expect((await kassa.api('GET', `/api/v1/deliveries/${d.id}`)).body.status).toBe('failed');
      const after = failedSection((await c.get('/dashboard')).text);
      expect(after).not.toContain(`/dashboard/invoices/${invoice}`);
      expect(after).toContain('No failed deliveries.');
    }, 120_000);
  });
