/**
 * End to end through a whole Kassa: webhook endpoints created over the native
 * API, a test-mode invoice paid with a simulated payment, the callbacks received
 * by a real local server and verified, the delivery log read, a delivery
 * resent, a secret rotated, a test callback sent, an endpoint disabled.
 */
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, createApiKey } from '../../src/app/accounts.js';
import { Dispatcher } from '../../src/callbacks/dispatcher.js';
import { DeliveriesRepository } from '../../src/store/deliveries-repository.js';
import { webhookRepository } from '../../src/store/webhook-repository.js';
import { WebhookService } from '../../src/app/webhooks.js';
import { assertCallbackUrlAllowed } from '../../src/callbacks/url-guard.js';
import { apiV1 } from '../../src/http/api-v1/index.js';
import { webhookFamily } from '../../src/http/api-v1/webhooks.js';
import { buildServer } from '../../src/http/server.js';
import {
  verifyCryptoCloudToken,
  verifyCryptopaySignature,
  verifyNativeWebhook,
} from '../../src/sdk/verify.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { startReceiver, type ReceivedRequest, type Receiver } from '../support/receiver.js';
import { createTestStore, ENGINES, type TestStore } from './helpers/stores.js';

type Json = Record<string, any>;

describe.each(ENGINES)('webhooks API end to end on %s', (engine) => {
  let pgDb: TestStore | undefined;
  let kassa: TestKassa;
  let server: FastifyInstance;
  let base: string;
  let receiver: Receiver;
  let dispatcher: Dispatcher;
  let native: Json;
  let postback: Json;
  let cryptopay: Json;
  let invoice: Json;

  const call = async (method: string, path: string, body?: unknown, key = kassa.apiKey) => {
    const res = await fetch(base + path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as Json };
  };
  const at = (path: string) => receiver.requests.filter((r) => r.path === path);
  const nativeTypes = () => at('/native').map((r) => (JSON.parse(r.body) as { type: string }).type);

  beforeAll(async () => {
    if (engine === 'postgres') pgDb = await createTestStore('postgres');
    kassa = await startTestKassa(pgDb ? { DATABASE_URL: pgDb.location.databaseUrl ?? '' } : {});
    const logger = pino({ level: 'silent' });
    dispatcher = new Dispatcher({
      queue: new DeliveriesRepository(kassa.store.db, kassa.store.engine),
      logger,
      allowPrivate: true,
      pollMs: 20,
    });
    const webhooks = new WebhookService({
      store: webhookRepository(kassa.store.db),
      queue: new DeliveriesRepository(kassa.store.db, kassa.store.engine),
      checkUrl: (url) => assertCallbackUrlAllowed(url, true),
      publicUrl: kassa.url,
      onQueued: () => dispatcher.wake(),
    });
    server = await buildServer(kassa, {
      logger,
      faces: [apiV1({ families: [webhookFamily({ webhooks })] })],
    });
    base = await server.listen({ port: 0, host: '127.0.0.1' });
    receiver = await startReceiver();
    dispatcher.start();
  });

  afterAll(async () => {
    await dispatcher?.stop();
    await server?.close();
    await receiver?.close();
    await kassa?.stop();
    await pgDb?.destroy();
  });

  it('creates endpoints and shows each secret only once', async () => {
    const a = await call('POST', `/api/v1/projects/${kassa.shopId}/webhook-endpoints`, {
      url: `${receiver.url}/native`,
    });
    expect(a.status).toBe(201);
    native = a.body;
    expect(native).toMatchObject({
      format: 'native',
      enabled: true,
      url: `${receiver.url}/native`,
    });
    expect(native.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const b = await call('POST', `/api/v1/projects/${kassa.shopId}/webhook-endpoints`, {
      url: `${receiver.url}/postback`,
      format: 'cryptocloud',
      content_type: 'form',
    });
    expect(b.status).toBe(201);
    postback = b.body;
    expect(postback.secret).toBeNull();
    const c = await call('POST', `/api/v1/projects/${kassa.shopId}/webhook-endpoints`, {
      url: `${receiver.url}/cryptopay`,
      format: 'cryptopay',
    });
    cryptopay = c.body;
    expect(cryptopay.secret).toMatch(/^[0-9a-f]{64}$/);

    const list = await call('GET', `/api/v1/projects/${kassa.shopId}/webhook-endpoints`);
    expect(list.status).toBe(200);
    expect(list.body.data.map((e: Json) => e.id)).toEqual([native.id, postback.id, cryptopay.id]);
    expect(JSON.stringify(list.body)).not.toContain(native.secret);
    expect(list.body.data.every((e: Json) => !('secret' in e))).toBe(true);
  });

  it('refuses bad endpoint input naming the field', async () => {
    const bad = await call('POST', `/api/v1/projects/${kassa.shopId}/webhook-endpoints`, {
      url: `${receiver.url}/x`,
      format: 'native',
      content_type: 'form',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('content_type');
    const unknownEvent = await call('POST', `/api/v1/projects/${kassa.shopId}/webhook-endpoints`, {
      url: `${receiver.url}/x`,
      events: ['invoice.exploded'],
    });
    expect(unknownEvent.status).toBe(400);
    expect(unknownEvent.body.error.field).toBe('events');
  });

  it('delivers signed callbacks in every configured format when a test invoice is paid', async () => {
    const created = await call('POST', '/api/v1/invoices', {
      shop_id: kassa.shopId,
      amount: '100',
      currency: 'USD',
      payment_currency: 'BTC',
      order_id: `order-${engine}`,
      test_mode: true,
    });
    expect(created.status).toBe(201);
    invoice = created.body;
    const paid = await call('POST', `/api/v1/invoices/${invoice.id}/test-payments`, {});
    expect(paid.status).toBe(201);
    expect(paid.body.invoice.status).toBe('paid');

    await receiver.waitFor(
      () => nativeTypes().includes('invoice.status_changed') && at('/postback').length === 1,
    );
    for (const r of at('/native')) {
      expect(verifyNativeWebhook({ body: r.body, headers: r.headers, secret: native.secret })).toBe(
        true,
      );
      const key = Buffer.from(String(native.secret).slice(6), 'base64');
      const mac = createHmac('sha256', key)
        .update(
          `${String(r.headers['webhook-id'])}.${String(r.headers['webhook-timestamp'])}.${r.body}`,
        )
        .digest('base64');
      expect(String(r.headers['webhook-signature'])).toBe(`v1,${mac}`);
    }
    expect(nativeTypes()).toContain('invoice.created');
    const last = JSON.parse(at('/native').at(-1)?.body ?? '{}') as Json;
    expect(last.data.invoice).toMatchObject({
      id: invoice.id,
      status: 'paid',
      received: invoice.quote.amount_due,
      received_units: invoice.quote.amount_due_units,
      remaining: '0',
    });

    const form = new URLSearchParams(at('/postback')[0]?.body);
    expect(form.get('invoice_id')).toBe(String(invoice.uuid).slice(4));
    expect(form.get('amount_crypto')).toBe(invoice.quote.amount_due);
    expect(form.get('order_id')).toBe(`order-${engine}`);
    expect(
      verifyCryptoCloudToken(form.get('token') ?? '', kassa.secretKey, { invoiceId: invoice.uuid }),
    ).toBe(true);

    await receiver.waitFor(() => at('/cryptopay').some((r) => r.body.includes('"status_changed"')));
    for (const r of at('/cryptopay'))
      expect(
        verifyCryptopaySignature(
          r.body,
          String(r.headers['x-cryptopay-signature']),
          cryptopay.secret,
        ),
      ).toBe(true);
  });

  it('lists an invoice’s deliveries with request, response, duration and attempts', async () => {
    await waitUntil(async () => {
      const res = await call('GET', `/api/v1/invoices/${invoice.id}/deliveries`);
      return res.body.data.length > 0 && res.body.data.every((d: Json) => d.status === 'delivered');
    });
    const res = await call('GET', `/api/v1/invoices/${invoice.uuid}/deliveries`);
    expect(res.status).toBe(200);
    const d = res.body.data.find((x: Json) => x.endpoint_id === postback.id) as Json;
    expect(d).toMatchObject({
      status: 'delivered',
      attempts: 1,
      next_attempt_at: null,
      invoice_id: invoice.id,
    });
    expect(d.last_attempt).toMatchObject({ response_code: 200, response_body: 'ok', error: null });
    expect(d.last_attempt.duration_ms).toBeGreaterThanOrEqual(0);
    expect(d.last_attempt.request.body).toBe(at('/postback')[0]?.body);
    const byEndpoint = await call(
      'GET',
      `/api/v1/projects/${kassa.shopId}/webhook-endpoints/${native.id}/deliveries`,
    );
    expect(byEndpoint.body.data.length).toBe(at('/native').length);
  });

  it('resends a delivered callback with the same webhook-id', async () => {
    const list = await call(
      'GET',
      `/api/v1/projects/${kassa.shopId}/webhook-endpoints/${native.id}/deliveries`,
    );
    const original = list.body.data[0] as Json;
    const before = at('/native').length;
    const res = await call('POST', `/api/v1/deliveries/${original.id}/redeliver`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      redelivery_of: original.id,
      status: 'pending',
      event_id: original.event_id,
    });
    await receiver.waitFor(() => at('/native').length === before + 1);
    expect(at('/native').at(-1)?.headers['webhook-id']).toBe(original.event_id);
    await waitUntil(
      async () =>
        (await call('GET', `/api/v1/deliveries/${res.body.id}`)).body.status === 'delivered',
    );
    const detail = await call('GET', `/api/v1/deliveries/${res.body.id}`);
    expect(detail.body).toMatchObject({
      status: 'delivered',
      attempts: 1,
      redelivery_of: original.id,
    });
  });

  it('rotates a secret: the new one is shown once and both sign during the overlap', async () => {
    const rotated = await call(
      'POST',
      `/api/v1/projects/${kassa.shopId}/webhook-endpoints/${native.id}/rotate-secret`,
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(native.secret);
    expect(Date.parse(rotated.body.previous_secret_valid_until) - Date.now()).toBeGreaterThan(
      23 * 3600_000,
    );
    const before = at('/native').length;
    const test = await call(
      'POST',
      `/api/v1/projects/${kassa.shopId}/webhook-endpoints/${native.id}/test`,
    );
    expect(test.status).toBe(202);
    expect(test.body).toMatchObject({ event_type: 'webhook.test', invoice_id: null });
    await receiver.waitFor(() => at('/native').length === before + 1);
    const r = at('/native').at(-1) as ReceivedRequest;
    expect((JSON.parse(r.body) as Json).type).toBe('webhook.test');
    expect(
      verifyNativeWebhook({ body: r.body, headers: r.headers, secret: rotated.body.secret }),
    ).toBe(true);
    expect(verifyNativeWebhook({ body: r.body, headers: r.headers, secret: native.secret })).toBe(
      true,
    );
    await waitUntil(
      async () =>
        (await call('GET', `/api/v1/deliveries/${test.body.id}`)).body.status === 'delivered',
    );
    const detail = await call('GET', `/api/v1/deliveries/${test.body.id}`);
    expect(detail.body.attempt_log).toHaveLength(1);
    expect(detail.body.attempt_log[0]).toMatchObject({
      attempt: 1,
      response_code: 200,
      request: { body: r.body },
    });
  });

  it('stops sending to a disabled endpoint', async () => {
    const off = await call(
      'PATCH',
      `/api/v1/projects/${kassa.shopId}/webhook-endpoints/${native.id}`,
      { enabled: false },
    );
    expect(off.status).toBe(200);
    expect(off.body.enabled).toBe(false);
    const before = at('/native').length;
    const inv = await call('POST', '/api/v1/invoices', {
      shop_id: kassa.shopId,
      amount: '5',
      payment_currency: 'LTC',
      test_mode: true,
    });
    await call('POST', `/api/v1/invoices/${inv.body.id}/test-payments`, {});
    await receiver.waitFor(() => at('/cryptopay').some((r) => r.body.includes(inv.body.id)));
    // Deliveries are written with their events: the disabled endpoint got none to send.
    const deliveries = await call('GET', `/api/v1/invoices/${inv.body.id}/deliveries`);
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.data.length).toBeGreaterThan(0);
    expect(
      deliveries.body.data.every((d: { endpoint_id: string }) => d.endpoint_id !== native.id),
    ).toBe(true);
    expect(at('/native').length).toBe(before);
  });

  it('answers 404 for another account’s project, invoice and delivery', async () => {
    const other = await createAccount(kassa.ctx, 'Someone else');
    const { key } = await createApiKey(kassa.ctx, other.id, 'other');
    const list = await call(
      'GET',
      `/api/v1/projects/${kassa.shopId}/webhook-endpoints`,
      undefined,
      key,
    );
    expect(list.status).toBe(404);
    const create = await call(
      'POST',
      `/api/v1/projects/${kassa.shopId}/webhook-endpoints`,
      { url: `${receiver.url}/evil` },
      key,
    );
    expect(create.status).toBe(404);
    expect(
      (await call('GET', `/api/v1/invoices/${invoice.id}/deliveries`, undefined, key)).status,
    ).toBe(404);
    const mine = await call('GET', `/api/v1/invoices/${invoice.id}/deliveries`);
    const id = (mine.body.data[0] as Json).id as string;
    expect((await call('POST', `/api/v1/deliveries/${id}/redeliver`, undefined, key)).status).toBe(
      404,
    );
    expect((await call('GET', `/api/v1/deliveries/${id}`, undefined, key)).status).toBe(404);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
