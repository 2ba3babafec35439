/**
 * Every callback format, delivered by the real dispatcher to a real local HTTP
 * receiver, checked by the SDK helper and by an independent implementation
 * (node:crypto directly, jsonwebtoken for the CryptoCloud postback token).
 *
 * The invoice's amounts are all different (due 0.0015, price 100.00, then
 * received 0, pending 0.0006, remaining 0.0015; finally received 0.0017,
 * pending 0.0002, remaining 0, payments 0.0006, 0.0011, 0.0002), and every
 * amount field of every format is asserted, so two swapped fields fail.
 */
import { createHmac, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentView } from '../../src/app/invoice-view.js';
import { Dispatcher } from '../../src/callbacks/dispatcher.js';
import { DeliveriesRepository } from '../../src/store/deliveries-repository.js';
import {
  verifyCoinsPaidCallback,
  verifyCoinsPaidSignature,
  verifyCryptoCloudToken,
  verifyCryptopaySignature,
  verifyNativeWebhook,
} from '../../src/sdk/verify.js';
import { startReceiver, type ReceivedRequest, type Receiver } from '../support/receiver.js';
import {
  addEndpoint,
  appendEvents,
  deliveryRows,
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

/** Every field Cryptopay's SDKs type on `Invoice` (cryptopay-node `Invoice`, cryptopay-php). */
const CRYPTOPAY_INVOICE_KEYS = [
  'id',
  'custom_id',
  'customer_id',
  'subscription_id',
  'status',
  'status_context',
  'address',
  'network',
  'uri',
  'price_amount',
  'price_currency',
  'fee',
  'fee_currency',
  'pay_amount',
  'pay_currency',
  'paid_amount',
  'exchange',
  'transactions',
  'name',
  'description',
  'metadata',
  'success_redirect_url',
  'unsuccess_redirect_url',
  'hosted_page_url',
  'created_at',
  'expires_at',
];

/** The keys of CoinsPaid's documented invoice callback (api-documentation/v2/invoices.md). */
const COINSPAID_INVOICE_KEYS = [
  'id',
  'foreign_id',
  'type',
  'crypto_address',
  'currency_sent',
  'currency_received',
  'transactions',
  'fees',
  'error',
  'status',
  'fixed_at',
  'expires_at',
];
const COINSPAID_TRANSACTION_KEYS = [
  'id',
  'currency',
  'transaction_type',
  'type',
  'address',
  'tag',
  'amount',
  'txid',
  'confirmations',
];

const byPath = (reqs: ReceivedRequest[], path: string) => reqs.filter((r) => r.path === path);
const SUCCESS_URL = 'https://shop.example.com/thanks';
const FAIL_URL = 'https://shop.example.com/sorry';

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The header names exactly as the sender spelled them. */
const rawNames = (r: ReceivedRequest) => r.rawHeaders.filter((_, i) => i % 2 === 0);

describe.each(ENGINES)('callback formats on %s', (engine) => {
  let store: TestStore;
  let receiver: Receiver;
  let dispatcher: Dispatcher;
  let seeded: Seeded;
  let invoice: { id: string; short: string; uuid: string };
  let coinsPaidEndpoint: string;
  let payments: Record<'b0' | 'c1' | 'd0', PaymentView>;

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
    coinsPaidEndpoint = await addEndpoint(
      store.db,
      seeded.shopId,
      `${u}/coinspaid`,
      'coinspaid',
      COINSPAID_SECRET,
    );

    // Step 1: 0.0006 seen, nothing confirmed. Step 2: that one and 0.0011 confirmed, 0.0002
    // seen: 0.0017 received of 0.0015 due, overpaid and completed by the project's rule.
    const b0 = paymentSnapshot({ amount: '0.0006', amount_units: '60000', confirmations: 0 });
    const b1 = { ...b0, confirmations: 1, confirmed: true };
    const c1 = paymentSnapshot({
      amount: '0.0011',
      amount_units: '110000',
      confirmations: 1,
      confirmed: true,
    });
    const d0 = paymentSnapshot({ amount: '0.0002', amount_units: '20000', confirmations: 0 });
    const pending = invoiceSnapshot(invoice, seeded.shopId, {
      status: 'pending',
      received_unconfirmed: '0.0006',
      received_unconfirmed_units: '60000',
    });
    const one = { payments: [b0] };
    await appendEvents(store.db, seeded.shopId, [
      {
        invoiceId: invoice.id,
        type: 'payment.seen',
        data: { invoice: pending, payment: b0, ...one },
      },
      {
        invoiceId: invoice.id,
        type: 'invoice.status_changed',
        data: { invoice: pending, previous_status: 'created', ...one },
      },
    ]);
    const done = invoiceSnapshot(invoice, seeded.shopId, {
      status: 'overpaid',
      context: 'overpaid',
      resolution: 'completed',
      received: '0.0017',
      received_units: '170000',
      received_unconfirmed: '0.0002',
      received_unconfirmed_units: '20000',
      remaining: '0',
      remaining_units: '0',
    });
    const all = {
      payments: [b1, c1, d0],
      shop: { name: 'Shop', success_url: SUCCESS_URL, fail_url: FAIL_URL },
    };
    await appendEvents(store.db, seeded.shopId, [
      {
        invoiceId: invoice.id,
        type: 'payment.confirmed',
        data: { invoice: done, payment: b1, ...all },
      },
      {
        invoiceId: invoice.id,
        type: 'payment.confirmed',
        data: { invoice: done, payment: c1, ...all },
      },
      { invoiceId: invoice.id, type: 'payment.seen', data: { invoice: done, payment: d0, ...all } },
      {
        invoiceId: invoice.id,
        type: 'invoice.status_changed',
        data: { invoice: done, previous_status: 'pending', ...all },
      },
      {
        invoiceId: invoice.id,
        type: 'invoice.resolved',
        data: { invoice: done, resolution: 'completed', ...all },
      },
    ]);
    payments = { b0, c1, d0 };

    dispatcher = new Dispatcher({
      queue: new DeliveriesRepository(store.db, engine),
      logger: await quietLogger(),
      allowPrivate: true,
      pollMs: 20,
    });
    dispatcher.start();
    // Every delivery the outbox holds is sent; nothing beyond them can arrive.
    const expected = (await deliveryRows(store.db)).length;
    await receiver.waitFor((reqs) => reqs.length >= expected);
    await waitUntil(async () =>
      (await deliveryRows(store.db)).every((d) => d.status === 'delivered'),
    );
    expect(receiver.requests).toHaveLength(expected);
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
      'payment.confirmed',
      'payment.seen',
      'invoice.status_changed',
      'invoice.resolved',
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
  });

  it('carries every amount of the native invoice and payment, each its own value', () => {
    const reqs = byPath(receiver.requests, '/native');
    type Native = { data: { invoice: Record<string, any>; payment: Record<string, any> } };
    const first = JSON.parse(reqs[0]?.body ?? '{}') as Native;
    const last = JSON.parse(reqs[6]?.body ?? '{}') as Native;
    const amounts = (inv: Record<string, any>) => ({
      amount: inv.amount,
      amount_due: inv.quote.amount_due,
      amount_due_units: inv.quote.amount_due_units,
      received: inv.received,
      received_units: inv.received_units,
      received_unconfirmed: inv.received_unconfirmed,
      received_unconfirmed_units: inv.received_unconfirmed_units,
      remaining: inv.remaining,
      remaining_units: inv.remaining_units,
    });
    expect(amounts(first.data.invoice)).toEqual({
      amount: '100.00',
      amount_due: '0.0015',
      amount_due_units: '150000',
      received: '0',
      received_units: '0',
      received_unconfirmed: '0.0006',
      received_unconfirmed_units: '60000',
      remaining: '0.0015',
      remaining_units: '150000',
    });
    expect(first.data.payment).toMatchObject({ amount: '0.0006', amount_units: '60000' });
    expect(amounts(last.data.invoice)).toEqual({
      amount: '100.00',
      amount_due: '0.0015',
      amount_due_units: '150000',
      received: '0.0017',
      received_units: '170000',
      received_unconfirmed: '0.0002',
      received_unconfirmed_units: '20000',
      remaining: '0',
      remaining_units: '0',
    });
    const seenD = JSON.parse(reqs[4]?.body ?? '{}') as Native;
    expect(seenD.data.payment).toMatchObject({ amount: '0.0002', amount_units: '20000' });
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

  it('sends the CryptoCloud postback when the invoice becomes paid, with a valid HS256 token and its amounts', () => {
    const r = byPath(receiver.requests, '/cc-json').at(-1);
    const body = JSON.parse(r?.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 'success',
      invoice_id: invoice.short,
      currency: 'BTC',
      order_id: 'order-1',
    });
    // CryptoCloud documents these amounts as JSON numbers: written from the exact values.
    const raw = r?.body ?? '';
    expect(raw).toContain('"amount_crypto":0.0017,');
    expect(raw).toContain('"amount":0.0015,');
    expect(raw).toContain('"amount_in_fiat":100.0,');
    expect(raw).toContain('"received":0.0017,');
    expect(body.invoice_info).toMatchObject({
      uuid: invoice.uuid,
      status: 'overpaid',
      invoice_status: 'success',
      amount_units: '150000',
      received_units: '170000',
      received_unconfirmed: '0.0002',
      received_unconfirmed_units: '20000',
      remaining: '0',
      remaining_units: '0',
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
    const r = byPath(receiver.requests, '/cc-form').at(-1);
    expect(r?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(r?.body ?? '');
    expect(form.get('status')).toBe('success');
    expect(form.get('invoice_id')).toBe(invoice.short);
    expect(form.get('amount_crypto')).toBe('0.0017');
    expect(form.get('invoice_info')).toContain('"amount":0.0015,');
    expect(JSON.parse(form.get('invoice_info') ?? '{}')).toMatchObject({
      uuid: invoice.uuid,
      status: 'overpaid',
      amount: 0.0015,
      received: 0.0017,
      received_unconfirmed: '0.0002',
      remaining: '0',
    });
    const claims = jwt.verify(form.get('token') ?? '', seeded.secretKey, {
      algorithms: ['HS256'],
    }) as { id: string };
    expect(claims.id).toBe(invoice.short);
  });

  it('sends Cryptopay-style events with a lower-case x-cryptopay-signature over the raw body', () => {
    const reqs = byPath(receiver.requests, '/cryptopay');
    const bodies = reqs.map((r) => JSON.parse(r.body) as { type: string; event: string });
    expect(bodies.map((b) => b.event)).toEqual([
      'transaction_created',
      'status_changed',
      'transaction_confirmed',
      'transaction_confirmed',
      'transaction_created',
      'status_changed',
    ]);
    for (const r of reqs) {
      const sig = String(r.headers['x-cryptopay-signature']);
      expect(sig).toBe(createHmac('sha256', CRYPTOPAY_SECRET).update(r.body).digest('hex'));
      expect(verifyCryptopaySignature(r.body, sig, CRYPTOPAY_SECRET)).toBe(true);
      expect(verifyCryptopaySignature(r.body + 'x', sig, CRYPTOPAY_SECRET)).toBe(false);
      // Cryptopay's PHP SDK reads $headers['x-cryptopay-signature'] from getallheaders().
      expect(rawNames(r)).toContain('x-cryptopay-signature');
    }
  });

  it('fills every field of the Cryptopay SDK Invoice type, amounts each their own value', () => {
    const bodies = byPath(receiver.requests, '/cryptopay').map(
      (r) => JSON.parse(r.body) as { type: string; data: Record<string, any> },
    );
    for (const b of bodies) {
      expect(b.type).toBe('Invoice');
      for (const key of CRYPTOPAY_INVOICE_KEYS) expect(b.data).toHaveProperty(key);
      expect(b.data).toMatchObject({
        customer_id: null,
        subscription_id: null,
        name: null,
        fee: '0',
        fee_currency: 'BTC',
        price_amount: '100.00',
        price_currency: 'USD',
        pay_amount: '0.0015',
        pay_amount_units: '150000',
        pay_currency: 'BTC',
      });
      expect(b.data.exchange).toEqual({
        pair: 'BTCUSD',
        rate: '66666.67',
        fee: '0',
        fee_currency: 'BTC',
      });
    }
    const [first, , , , , last] = bodies;
    expect(first?.data).toMatchObject({
      status: 'new',
      status_context: null,
      paid_amount: '0',
      paid_amount_units: '0',
      pending_amount: '0.0006',
      pending_amount_units: '60000',
      remaining_amount: '0.0015',
      remaining_amount_units: '150000',
      success_redirect_url: null,
      unsuccess_redirect_url: null,
    });
    expect(first?.data.transactions).toEqual([
      {
        txid: payments.b0.txid,
        index: 0,
        amount: '0.0006',
        amount_units: '60000',
        confirmations: 0,
        confirmed: false,
      },
    ]);
    // Completed by the overpayment rule, and still saying why.
    expect(last?.data).toMatchObject({
      status: 'completed',
      status_context: 'overpaid',
      paid_amount: '0.0017',
      paid_amount_units: '170000',
      pending_amount: '0.0002',
      pending_amount_units: '20000',
      remaining_amount: '0',
      remaining_amount_units: '0',
      success_redirect_url: SUCCESS_URL,
      unsuccess_redirect_url: FAIL_URL,
    });
    expect(
      (last?.data.transactions as Record<string, unknown>[]).map((t) => [
        t.txid,
        t.amount,
        t.amount_units,
        t.confirmations,
      ]),
    ).toEqual([
      [payments.b0.txid, '0.0006', '60000', 1],
      [payments.c1.txid, '0.0011', '110000', 1],
      [payments.d0.txid, '0.0002', '20000', 0],
    ]);
  });

  it('sends CoinsPaid-style callbacks with X-Processing-Key and X-Processing-Signature (HMAC-SHA512)', () => {
    const reqs = byPath(receiver.requests, '/coinspaid');
    expect(reqs).toHaveLength(6);
    for (const r of reqs) {
      const sig = String(r.headers['x-processing-signature']);
      expect(sig).toBe(createHmac('sha512', COINSPAID_SECRET).update(r.body).digest('hex'));
      expect(verifyCoinsPaidSignature(r.body, sig, COINSPAID_SECRET)).toBe(true);
      expect(verifyCoinsPaidSignature(r.body, sig, 'wrong')).toBe(false);
      expect(r.headers['x-processing-key']).toBe(coinsPaidEndpoint);
      expect(
        verifyCoinsPaidCallback({
          body: r.body,
          headers: r.headers,
          secret: COINSPAID_SECRET,
          processingKey: coinsPaidEndpoint,
        }),
      ).toBe(true);
      expect(
        verifyCoinsPaidCallback({
          body: r.body,
          headers: r.headers,
          secret: COINSPAID_SECRET,
          processingKey: 'another-key',
        }),
      ).toBe(false);
      // CoinsPaid's spelling, for handlers that look headers up case-sensitively.
      expect(rawNames(r)).toEqual(
        expect.arrayContaining(['X-Processing-Key', 'X-Processing-Signature']),
      );
    }
    expect(
      reqs.map((r) => (JSON.parse(r.body) as { status: string; error: string }).status),
    ).toEqual(['pending', 'pending', 'confirmed', 'confirmed', 'confirmed', 'confirmed']);
  });

  it('names the invoice as CoinsPaid documents it: keys, types, integer ids, unix times, amounts', () => {
    const bodies = byPath(receiver.requests, '/coinspaid').map(
      (r) => JSON.parse(r.body) as Record<string, any>,
    );
    const first = bodies[0] as Record<string, any>;
    const last = bodies[5] as Record<string, any>;
    for (const b of bodies) {
      expect(Object.keys(b).sort()).toEqual([...COINSPAID_INVOICE_KEYS, 'x_kassa'].sort());
      expect(Number.isSafeInteger(b.id) && b.id > 0).toBe(true);
      expect(b.id).toBe(first.id);
      expect(b).toMatchObject({ foreign_id: 'order-1', type: 'invoice', error: '', fees: [] });
      expect(b.crypto_address).toEqual({
        id: first.crypto_address.id,
        currency: 'BTC',
        convert_to: 'USD',
        address: 'bcrt1qexampleaddress000000000000000000000',
        tag: null,
      });
      expect(Number.isSafeInteger(b.crypto_address.id)).toBe(true);
      expect(b.currency_received).toEqual({ currency: 'USD', amount: '100.00' });
      expect(Number.isSafeInteger(b.fixed_at)).toBe(true);
      expect(b.expires_at).toBeNull();
      for (const t of b.transactions as Record<string, any>[]) {
        expect(Object.keys(t).sort()).toEqual([...COINSPAID_TRANSACTION_KEYS, 'x_kassa'].sort());
        expect(Number.isSafeInteger(t.id)).toBe(true);
        expect(typeof t.confirmations).toBe('string');
        expect(t).toMatchObject({ transaction_type: 'blockchain', type: 'deposit', tag: null });
      }
    }
    expect(first.currency_sent).toEqual({
      currency: 'BTC',
      amount: '0.0015',
      remaining_amount: '0.0015',
    });
    expect(last.currency_sent).toEqual({
      currency: 'BTC',
      amount: '0.0015',
      remaining_amount: '0',
    });
    const tx = (b: Record<string, any>) =>
      (b.transactions as Record<string, any>[]).map((t) => [
        t.id,
        t.txid,
        t.amount,
        t.confirmations,
      ]);
    const [[b0id]] = tx(first) as [[number]];
    expect(tx(first)).toEqual([[b0id, payments.b0.txid, '0.0006', '0']]);
    const lastTx = tx(last);
    expect(lastTx.map((t) => t.slice(1))).toEqual([
      [payments.b0.txid, '0.0006', '1'],
      [payments.c1.txid, '0.0011', '1'],
      [payments.d0.txid, '0.0002', '0'],
    ]);
    // One integer per payment, the same in every callback, different between payments.
    expect(lastTx[0]?.[0]).toBe(b0id);
    expect(new Set(lastTx.map((t) => t[0])).size).toBe(3);
    expect(first.x_kassa).toMatchObject({
      invoice_id: invoice.id,
      status: 'pending',
      amount_due: '0.0015',
      amount_due_units: '150000',
      received: '0',
      received_units: '0',
      received_unconfirmed: '0.0006',
      received_unconfirmed_units: '60000',
      remaining: '0.0015',
      remaining_units: '150000',
    });
    expect(last.x_kassa).toMatchObject({
      status: 'overpaid',
      context: 'overpaid',
      resolution: 'completed',
      amount_due: '0.0015',
      received: '0.0017',
      received_units: '170000',
      received_unconfirmed: '0.0002',
      received_unconfirmed_units: '20000',
      remaining: '0',
      remaining_units: '0',
    });
    expect(last.transactions[2].x_kassa).toMatchObject({
      payment_id: payments.d0.id,
      amount_units: '20000',
      confirmed: false,
    });
  });
});
