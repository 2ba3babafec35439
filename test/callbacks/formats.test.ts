/**
 * Every callback format, delivered by the real dispatcher to a real local HTTP
 * receiver, checked by the SDK helper and by an independent implementation
 * (node:crypto directly, jsonwebtoken for the CryptoCloud postback token).
 */
import { createHmac, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/callbacks/dispatcher.js';
import {
  verifyCoinsPaidSignature,
  verifyCryptoCloudToken,
  verifyCryptopaySignature,
  verifyNativeWebhook,
} from '../../src/sdk/verify.js';
import { startReceiver, type ReceivedRequest, type Receiver } from '../support/receiver.js';
import {
  addEndpoint,
  appendEvents,
  invoiceSnapshot,
  paymentSnapshot,
  quietLogger,
  seedInvoice,
  seedProject,
  type Seeded,
} from './helpers/fixtures.js';
import { createTestStore, ENGINES, type TestStore } from './helpers/stores.js';

const NATIVE_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const NATIVE_OLD_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const CRYPTOPAY_SECRET = randomBytes(32).toString('hex');
const COINSPAID_SECRET = randomBytes(32).toString('hex');

/** Standard Webhooks, written from the spec with node:crypto only. */
function independentStandardWebhookCheck(r: ReceivedRequest, secret: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const content = `${String(r.headers['webhook-id'])}.${String(r.headers['webhook-timestamp'])}.${r.body}`;
  const expected = createHmac('sha256', key).update(content).digest('base64');
  return String(r.headers['webhook-signature'])
    .split(' ')
    .some((s) => s === `v1,${expected}`);
}

const byPath = (reqs: ReceivedRequest[], path: string) => reqs.filter((r) => r.path === path);

describe.each(ENGINES)('callback formats on %s', (engine) => {
  let store: TestStore;
  let receiver: Receiver;
  let dispatcher: Dispatcher;
  let seeded: Seeded;
  let invoice: { id: string; short: string; uuid: string };

  beforeAll(async () => {
    store = await createTestStore(engine);
    receiver = await startReceiver();
    seeded = await seedProject(store.db);
    invoice = await seedInvoice(store.db, seeded, 'order-1');
    const u = receiver.url;
    await addEndpoint(store.db, seeded.shopId, `${u}/native`, 'native', NATIVE_SECRET, {
      previous_secret: NATIVE_OLD_SECRET,
    });
    await addEndpoint(store.db, seeded.shopId, `${u}/cc-json`, 'cryptocloud', '');
    await addEndpoint(store.db, seeded.shopId, `${u}/cc-form`, 'cryptocloud', '', {
      content_type: 'form',
    });
    await addEndpoint(store.db, seeded.shopId, `${u}/cryptopay`, 'cryptopay', CRYPTOPAY_SECRET);
    await addEndpoint(store.db, seeded.shopId, `${u}/coinspaid`, 'coinspaid', COINSPAID_SECRET);

    const seen = paymentSnapshot({ confirmations: 0 });
    const pending = invoiceSnapshot(invoice, seeded.shopId, {
      status: 'pending',
      received_unconfirmed: '0.0015',
      received_unconfirmed_units: '150000',
    });
    await appendEvents(store.db, seeded.shopId, [
      { invoiceId: invoice.id, type: 'payment.seen', data: { invoice: pending, payment: seen } },
      {
        invoiceId: invoice.id,
        type: 'invoice.status_changed',
        data: { invoice: pending, previous_status: 'created' },
      },
    ]);
    const paid = invoiceSnapshot(invoice, seeded.shopId, {
      status: 'paid',
      received: '0.0015',
      received_units: '150000',
      remaining: '0',
      remaining_units: '0',
    });
    await appendEvents(store.db, seeded.shopId, [
      {
        invoiceId: invoice.id,
        type: 'payment.confirmed',
        data: { invoice: paid, payment: { ...seen, confirmations: 1, confirmed: true } },
      },
      {
        invoiceId: invoice.id,
        type: 'invoice.status_changed',
        data: { invoice: paid, previous_status: 'pending' },
      },
    ]);

    dispatcher = new Dispatcher({
      db: store.db,
      engine,
      logger: await quietLogger(),
      allowPrivate: true,
      pollMs: 20,
    });
    dispatcher.start();
    await receiver.waitFor(
      (reqs) =>
        byPath(reqs, '/native').length >= 4 &&
        byPath(reqs, '/cc-json').length >= 1 &&
        byPath(reqs, '/cc-form').length >= 1 &&
        byPath(reqs, '/cryptopay').length >= 4 &&
        byPath(reqs, '/coinspaid').length >= 4,
    );
    // Give any unexpected extra callback the chance to arrive before counting.
    await new Promise((r) => setTimeout(r, 150));
  });

  afterAll(async () => {
    await dispatcher?.stop();
    await receiver?.close();
    await store?.destroy();
  });

  it('signs native callbacks per Standard Webhooks, verifiable by the SDK and by hand', () => {
    const reqs = byPath(receiver.requests, '/native');
    expect(reqs.map((r) => (JSON.parse(r.body) as { type: string }).type)).toEqual([
      'payment.seen',
      'invoice.status_changed',
      'payment.confirmed',
      'invoice.status_changed',
    ]);
    for (const r of reqs) {
      expect(verifyNativeWebhook({ body: r.body, headers: r.headers, secret: NATIVE_SECRET })).toBe(
        true,
      );
      expect(independentStandardWebhookCheck(r, NATIVE_SECRET)).toBe(true);
      expect(r.headers['content-type']).toBe('application/json');
      const body = JSON.parse(r.body) as { id: string };
      expect(r.headers['webhook-id']).toBe(body.id);
    }
    const last = JSON.parse(reqs[3]?.body ?? '{}') as {
      data: { invoice: Record<string, unknown> };
    };
    expect(last.data.invoice).toMatchObject({ status: 'paid', received: '0.0015', remaining: '0' });
    expect((last.data.invoice.quote as Record<string, unknown>).amount_due).toBe('0.0015');
  });

  it('signs with both secrets while a rotated secret is still valid', () => {
    const r = byPath(receiver.requests, '/native')[0] as ReceivedRequest;
    expect(String(r.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(
      verifyNativeWebhook({ body: r.body, headers: r.headers, secret: NATIVE_OLD_SECRET }),
    ).toBe(true);
    expect(independentStandardWebhookCheck(r, NATIVE_OLD_SECRET)).toBe(true);
  });

  it('refuses a native callback whose body, secret or timestamp is wrong', () => {
    const r = byPath(receiver.requests, '/native')[0] as ReceivedRequest;
    const other = `whsec_${randomBytes(24).toString('base64')}`;
    expect(
      verifyNativeWebhook({ body: r.body + ' ', headers: r.headers, secret: NATIVE_SECRET }),
    ).toBe(false);
    expect(verifyNativeWebhook({ body: r.body, headers: r.headers, secret: other })).toBe(false);
    const later = Number(r.headers['webhook-timestamp']) * 1000 + 10 * 60 * 1000;
    expect(
      verifyNativeWebhook({ body: r.body, headers: r.headers, secret: NATIVE_SECRET, now: later }),
    ).toBe(false);
  });

  it('sends the CryptoCloud postback once, when the invoice becomes paid, with a valid HS256 token', () => {
    const [r] = byPath(receiver.requests, '/cc-json');
    expect(byPath(receiver.requests, '/cc-json')).toHaveLength(1);
    const body = JSON.parse(r?.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 'success',
      invoice_id: invoice.short,
      amount_crypto: '0.0015',
      currency: 'BTC',
      order_id: 'order-1',
    });
    expect(body.invoice_info).toMatchObject({
      uuid: invoice.uuid,
      status: 'paid',
      invoice_status: 'success',
      amount: '0.0015',
      received: '0.0015',
      remaining: '0',
    });
    const token = String(body.token);
    const claims = jwt.verify(token, seeded.secretKey, { algorithms: ['HS256'] }) as {
      id: string;
      exp: number;
    };
    expect(claims.id).toBe(invoice.short);
    expect(claims.exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(280);
    expect(claims.exp - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(300);
    expect(verifyCryptoCloudToken(token, seeded.secretKey, { invoiceId: invoice.uuid })).toBe(true);
    expect(verifyCryptoCloudToken(token, 'another-secret', { invoiceId: invoice.uuid })).toBe(
      false,
    );
    expect(verifyCryptoCloudToken(token, seeded.secretKey, { invoiceId: 'ZZZZZZZZ' })).toBe(false);
    expect(verifyCryptoCloudToken(token, seeded.secretKey, { now: (claims.exp + 1) * 1000 })).toBe(
      false,
    );
  });

  it('form-encodes the CryptoCloud postback when the endpoint asks for it', () => {
    const [r] = byPath(receiver.requests, '/cc-form');
    expect(r?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(r?.body ?? '');
    expect(form.get('status')).toBe('success');
    expect(form.get('invoice_id')).toBe(invoice.short);
    expect(form.get('amount_crypto')).toBe('0.0015');
    expect(JSON.parse(form.get('invoice_info') ?? '{}')).toMatchObject({
      uuid: invoice.uuid,
      status: 'paid',
    });
    const claims = jwt.verify(form.get('token') ?? '', seeded.secretKey, {
      algorithms: ['HS256'],
    }) as { id: string };
    expect(claims.id).toBe(invoice.short);
  });

  it('sends Cryptopay-style events with X-Cryptopay-Signature over the raw body', () => {
    const reqs = byPath(receiver.requests, '/cryptopay');
    const bodies = reqs.map(
      (r) => JSON.parse(r.body) as { type: string; event: string; data: Record<string, unknown> },
    );
    expect(bodies.map((b) => b.event)).toEqual([
      'transaction_created',
      'status_changed',
      'transaction_confirmed',
      'status_changed',
    ]);
    for (const r of reqs) {
      const sig = String(r.headers['x-cryptopay-signature']);
      expect(sig).toBe(createHmac('sha256', CRYPTOPAY_SECRET).update(r.body).digest('hex'));
      expect(verifyCryptopaySignature(r.body, sig, CRYPTOPAY_SECRET)).toBe(true);
      expect(verifyCryptopaySignature(r.body + 'x', sig, CRYPTOPAY_SECRET)).toBe(false);
    }
    expect(bodies[0]).toMatchObject({
      type: 'Invoice',
      data: { status: 'new', pending_amount: '0.0015', paid_amount: '0' },
    });
    expect(bodies[3]?.data).toMatchObject({
      status: 'completed',
      pay_amount: '0.0015',
      paid_amount: '0.0015',
      remaining_amount: '0',
    });
  });

  it('sends CoinsPaid-style callbacks with X-Processing-Signature (HMAC-SHA512)', () => {
    const reqs = byPath(receiver.requests, '/coinspaid');
    expect(reqs).toHaveLength(4);
    for (const r of reqs) {
      const sig = String(r.headers['x-processing-signature']);
      expect(sig).toBe(createHmac('sha512', COINSPAID_SECRET).update(r.body).digest('hex'));
      expect(verifyCoinsPaidSignature(r.body, sig, COINSPAID_SECRET)).toBe(true);
      expect(verifyCoinsPaidSignature(r.body, sig, 'wrong')).toBe(false);
    }
    const first = JSON.parse(reqs[0]?.body ?? '{}') as Record<string, unknown>;
    const last = JSON.parse(reqs[3]?.body ?? '{}') as Record<string, unknown>;
    expect(first).toMatchObject({
      status: 'pending',
      foreign_id: 'order-1',
      pending_amount: '0.0015',
      sender_amount: '0.0015',
    });
    expect(last).toMatchObject({
      status: 'confirmed',
      received_amount: '0.0015',
      remaining_amount: '0',
    });
  });
});
