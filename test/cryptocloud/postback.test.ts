/**
 * The full flow a CryptoCloud integration relies on: create with
 * `cryptocurrency` -> the customer pays (test mode) -> the postback reaches the
 * shop's handler, its JWT verifies with the project secret -> `info` says paid.
 * The postback is rendered by src/callbacks/cryptocloud.ts and delivered by the
 * callbacks dispatcher.
 */
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { cc } from './helpers.js';

async function postbackEndpoint(k: TestKassa, url: string, contentType: 'json' | 'form') {
  const r = await k.api('POST', `/api/v1/projects/${k.shopId}/webhook-endpoints`, {
    url,
    format: 'cryptocloud',
    content_type: contentType,
  });
  if (r.status !== 201) {
    throw new Error(
      `could not register a CryptoCloud postback endpoint (HTTP ${r.status}): is the callbacks service wired into the runtime? ${JSON.stringify(r.body)}`,
    );
  }
}

async function postbackFor(receiver: Receiver, path: string, invoiceId: string) {
  try {
    await receiver.waitFor(
      (reqs) => reqs.some((r) => r.path === path && r.body.includes(invoiceId)),
      15_000,
    );
  } catch {
    throw new Error(
      `no postback for ${invoiceId} reached ${path} within 15 s: is the callbacks dispatcher running in the runtime?`,
    );
  }
  return receiver.requests.find((r) => r.path === path && r.body.includes(invoiceId))!;
}

describe('CryptoCloud postback flow', () => {
  let k: TestKassa;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    k = await startTestKassa();
    await postbackEndpoint(k, `${receiver.url}/json`, 'json');
  });
  afterAll(async () => {
    await k?.stop();
    await receiver?.close();
  });

  it('posts a JSON postback whose token verifies with the project secret, and info then says paid', async () => {
    const created = await cc(k, '/v2/invoice/create', {
      shop_id: k.shopId,
      amount: 100,
      order_id: 'order-77',
      add_fields: { cryptocurrency: 'BTC' },
    });
    expect(created.status).toBe(200);
    const { uuid, address } = created.body.result;
    expect(address).not.toBe('');
    const invoiceId = uuid.slice(4);

    const paid = await k.api('POST', `/api/v1/invoices/${uuid}/test-payments`, {});
    expect(paid.status).toBeLessThan(300);

    const req = await postbackFor(receiver, '/json', invoiceId);
    expect(req.headers['content-type']).toMatch(/application\/json/);
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({
      status: 'success',
      invoice_id: invoiceId,
      order_id: 'order-77',
      currency: 'BTC',
    });
    expect(String(body.amount_crypto)).toBe('0.00166667');
    const claims = jwt.verify(body.token, k.secretKey, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect(claims.id).toBe(invoiceId);
    expect(claims.exp! - Math.floor(Date.now() / 1000)).toBeGreaterThan(200);
    expect(() => jwt.verify(body.token, 'not-the-secret', { algorithms: ['HS256'] })).toThrow();
    expect(body.invoice_info).toMatchObject({ uuid, status: 'paid' });

    // What the Moodle module does next: confirm through info with the bare id.
    const info = await cc(k, '/v2/invoice/merchant/info', { uuids: [invoiceId] });
    expect(info.body.result[0]).toMatchObject({
      uuid,
      status: 'paid',
      invoice_status: 'success',
      test_mode: true,
    });
    // One project id everywhere, an integer as typed clients parse it.
    expect(Number.isInteger(body.invoice_info.project.id)).toBe(true);
    expect(body.invoice_info.project.id).toBe(info.body.result[0].project.id);
    expect(body.invoice_info.project.id).toBe(created.body.result.project.id);
    // Documented amounts are JSON numbers written from the exact values.
    expect(req.body).toContain('"amount_crypto":0.00166667,');
    expect(req.body).toContain('"amount_in_fiat":100.0,');
    expect(req.body).toContain('"amount_usd":100.0,');

    // Every field CryptoCloud documents for an invoice, and those typed clients declare.
    const item = info.body.result[0];
    const numbers = [
      'amount',
      'amount_usd',
      'amount_in_fiat',
      'received',
      'received_usd',
      'to_surcharge',
      'to_surcharge_usd',
      'fee',
      'fee_usd',
      'service_fee',
      'service_fee_usd',
      'amount_in_crypto',
      'amount_to_pay',
      'amount_to_pay_usd',
      'amount_paid',
      'amount_paid_usd',
    ];
    for (const f of numbers) expect(typeof item[f], f).toBe('number');
    const strings = [
      'uuid',
      'created',
      'address',
      'expiry_date',
      'side_commission',
      'side_commission_cc',
      'side_commission_service',
      'type_payments',
      'fiat_currency',
      'status',
      'invoice_status',
      'link',
      'pay_url',
      'order_id',
      'type',
      'date_finished',
    ];
    for (const f of strings) expect(typeof item[f], f).toBe('string');
    expect(item).toHaveProperty('user_email');
    expect(item).toHaveProperty('phone');
    expect(item.pay_url).toBe(item.link);
    expect(item.amount_paid).toBe(item.received);
    expect(item.amount_in_crypto).toBe(0.00166667);
    expect(item.amount_to_pay).toBe(0.00166667);
    expect(typeof item.is_email_required).toBe('boolean');
    expect(typeof item.test_mode).toBe('boolean');
  });

  it('posts form fields when the endpoint asks for them, as PHP handlers read $_POST', async () => {
    await postbackEndpoint(k, `${receiver.url}/form`, 'form');
    const created = await cc(k, '/v2/invoice/create', {
      shop_id: k.shopId,
      amount: '12.34',
      order_id: '4242',
      add_fields: { cryptocurrency: 'USDT_TRC20' },
    });
    const { uuid } = created.body.result;
    await k.api('POST', `/api/v1/invoices/${uuid}/test-payments`, {});
    const req = await postbackFor(receiver, '/form', uuid.slice(4));
    expect(req.headers['content-type']).toMatch(/application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(req.body);
    expect(form.get('status')).toBe('success');
    expect(form.get('invoice_id')).toBe(uuid.slice(4));
    expect(form.get('order_id')).toBe('4242');
    expect(form.get('amount_crypto')).toBe('12.34');
    const claims = jwt.verify(form.get('token')!, k.secretKey, {
      algorithms: ['HS256'],
    }) as jwt.JwtPayload;
    expect(claims.id).toBe(uuid.slice(4));
    expect(JSON.parse(form.get('invoice_info')!)).toMatchObject({ uuid });
  });

  it('posts a postback carrying identify as order_id for a payment to a static wallet', async () => {
    const w = await cc(k, '/v2/invoice/static/create', {
      shop_id: k.shopId,
      currency: 'LTC',
      identify: 'customer-501',
    });
    await k.ledger.recordTransfer({
      chain: 'test',
      txid: randomBytes(32).toString('hex'),
      index: 0,
      address: w.body.result.address,
      currency: 'LTC',
      amount: 25_000_000n,
      blockHash: 'blk-static',
      blockHeight: 1,
    });
    await k.ledger.tipChanged('test', 2);
    await receiver
      .waitFor(
        (reqs) => reqs.some((r) => r.path === '/json' && r.body.includes('customer-501')),
        15_000,
      )
      .catch(() => {
        throw new Error('no postback with order_id customer-501 within 15 s');
      });
    const req = receiver.requests.find(
      (r) => r.path === '/json' && r.body.includes('customer-501'),
    )!;
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({ status: 'success', order_id: 'customer-501', currency: 'LTC' });
    expect(String(body.amount_crypto)).toBe('0.25');
    expect(
      (jwt.verify(body.token, k.secretKey, { algorithms: ['HS256'] }) as jwt.JwtPayload).id,
    ).toBe(body.invoice_id);
  });
});

describe('CryptoCloud postbacks rendered from the face’s invoices', () => {
  let k: TestKassa;

  beforeAll(async () => {
    k = await startTestKassa();
  });
  afterAll(async () => {
    await k?.stop();
  });

  /** Renders the postback of the invoice's "became paid" event exactly as the dispatcher would. */
  async function renderPaidPostback(invoiceId: string, contentType: 'json' | 'form' = 'json') {
    const { cryptoCloudFormat } = await import('../../src/callbacks/cryptocloud.js');
    const events = await k.ctx.store.events.forInvoice(invoiceId);
    const e = events.find(
      (x) =>
        x.type === 'invoice.status_changed' &&
        (x.data as { invoice: { status: string } }).invoice.status === 'paid',
    );
    if (!e)
      throw new Error(
        `no status_changed-to-paid event among ${events.map((x) => x.type).join(', ')}`,
      );
    const event = { id: e.id, type: e.type, createdAt: e.createdAt, data: e.data as never };
    expect(cryptoCloudFormat.wants(event)).toBe(true);
    return cryptoCloudFormat.render(event, {
      secrets: [],
      projectSecretKey: k.secretKey,
      contentType,
      now: Date.now(),
    });
  }

  it('signs the postback of a paid invoice with an HS256 token whose id is the bare invoice id', async () => {
    const created = await cc(k, '/v2/invoice/create', {
      shop_id: k.shopId,
      amount: 100,
      order_id: 'render-1',
      add_fields: { cryptocurrency: 'BTC' },
    });
    const { uuid } = created.body.result;
    await k.api('POST', `/api/v1/invoices/${uuid}/test-payments`, {});
    const inv = (await k.ctx.store.invoices.byShortId(uuid.slice(4)))!;
    const rendered = await renderPaidPostback(inv.id);
    const body = JSON.parse(rendered.body);
    expect(body).toMatchObject({
      status: 'success',
      invoice_id: uuid.slice(4),
      order_id: 'render-1',
      currency: 'BTC',
    });
    expect(String(body.amount_crypto)).toBe('0.00166667');
    expect(
      (jwt.verify(body.token, k.secretKey, { algorithms: ['HS256'] }) as jwt.JwtPayload).id,
    ).toBe(uuid.slice(4));
  });

  it('carries identify as order_id in the postback of a static wallet payment', async () => {
    const w = await cc(k, '/v2/invoice/static/create', {
      shop_id: k.shopId,
      currency: 'LTC',
      identify: 'customer-777',
    });
    await k.ledger.recordTransfer({
      chain: 'test',
      txid: randomBytes(32).toString('hex'),
      index: 0,
      address: w.body.result.address,
      currency: 'LTC',
      amount: 10_000_000n,
      blockHash: 'blk-r',
      blockHeight: 1,
    });
    await k.ledger.tipChanged('test', 2);
    const today = new Date();
    const p = (n: number) => String(n).padStart(2, '0');
    const d = `${p(today.getUTCDate())}.${p(today.getUTCMonth() + 1)}.${today.getUTCFullYear()}`;
    const list = await cc(k, '/v2/invoice/merchant/list', { start: d, end: d, limit: 100 });
    const rec = list.body.result.find((x: { order_id: string }) => x.order_id === 'customer-777');
    const inv = (await k.ctx.store.invoices.byShortId(rec.uuid.slice(4)))!;
    const rendered = await renderPaidPostback(inv.id, 'form');
    const form = new URLSearchParams(rendered.body);
    expect(form.get('order_id')).toBe('customer-777');
    expect(form.get('amount_crypto')).toBe('0.1');
  });
});
