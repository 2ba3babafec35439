/** The full test-mode lifecycle, driven through the native HTTP API only. */
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KassaError } from '../../src/domain/errors.js';
import type { RateProvider } from '../../src/app/ports/rates.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';

class FakeClock {
  constructor(public t = Date.now()) {}
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

/** Rates the test can move, to see when a quote's rate is fixed. */
class MovableRates implements RateProvider {
  btcUsd = '60000';
  async rate(base: string, quote: string) {
    if (base === 'BTC' && quote === 'USD')
      return { rate: this.btcUsd, source: 'test', fetchedAt: Date.now() };
    if (base.startsWith('USDT') && quote === 'USD')
      return { rate: '1', source: 'test', fetchedAt: Date.now() };
    if (base === 'LTC' && quote === 'USD')
      return { rate: '80', source: 'test', fetchedAt: Date.now() };
    throw new KassaError('rate_unavailable', `no fresh rate for ${base}/${quote}`, 'currency');
  }
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('invoice lifecycle through the native API (test mode)', () => {
  let k: TestKassa;
  const clock = new FakeClock();
  const rates = new MovableRates();
  const admin = 'admin-token-for-tests-0123456789';
  const env = {
    KASSA_ADMIN_TOKEN: admin,
    KASSA_DEMO_API_KEY: 'kassa_lifecycle_test_key_0123456789',
  };

  beforeAll(async () => {
    k = await startTestKassa(env, { clock, rates });
  });
  afterAll(async () => k?.stop());

  const create = (body: Record<string, unknown>, headers?: Record<string, string>) =>
    k.api('POST', '/api/v1/invoices', { shop_id: k.shopId, amount: '100.00', ...body }, headers);
  const pay = (id: string, body: Record<string, unknown> = {}) =>
    k.api('POST', `/api/v1/invoices/${id}/test-payments`, body);

  it('creates a timer invoice with a preselected currency: quote and address at once', async () => {
    const r = await create({ payment_currency: 'BTC' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      status: 'created',
      amount: '100.00',
      currency: 'USD',
      test_mode: true,
    });
    expect(r.body.quote).toMatchObject({
      currency: 'BTC',
      amount_due: '0.00166667',
      amount_due_units: '166667',
      rate: '60000',
    });
    expect(r.body.quote.address).toMatch(/^test_btc_/);
    expect(Date.parse(r.body.expires_at) - Date.parse(r.body.created_at)).toBe(24 * 3600 * 1000);
    expect(r.body.link).toBe(`${k.url}/pay/${r.body.id}`);
    expect(r.body.uuid).toMatch(/^INV-[A-Z0-9]{8}$/);
  });

  it('goes pending on an unconfirmed payment and paid when it confirms', async () => {
    const inv = (await create({ payment_currency: 'USDT_TRC20' })).body;
    const p = await pay(inv.id, { confirmed: false });
    expect(p.status).toBe(201);
    expect(p.body.invoice).toMatchObject({
      status: 'pending',
      received: '0',
      received_unconfirmed: '100',
    });
    const c = await k.api(
      'POST',
      `/api/v1/invoices/${inv.id}/test-payments/${p.body.payment.id}/confirm`,
    );
    expect(c.body).toMatchObject({
      status: 'paid',
      received: '100',
      remaining: '0',
      context: null,
    });
    const events = (await k.api('GET', `/api/v1/invoices/${inv.id}/events`)).body.data.map(
      (e: { type: string }) => e.type,
    );
    expect(events).toEqual([
      'invoice.created',
      'invoice.quote_fixed',
      'payment.seen',
      'invoice.status_changed',
      'payment.confirmed',
      'invoice.status_changed',
    ]);
  });

  it('shows a partial payment, its remainder, then paid after a top-up', async () => {
    const inv = (await create({ payment_currency: 'USDT_TRC20' })).body;
    const first = await pay(inv.id, { amount: '40.5' });
    expect(first.body.invoice).toMatchObject({
      status: 'partial',
      received: '40.5',
      remaining: '59.5',
    });
    const second = await pay(inv.id);
    expect(second.body.invoice).toMatchObject({ status: 'paid', received: '100', remaining: '0' });
    const payments = (await k.api('GET', `/api/v1/invoices/${inv.id}/payments`)).body.data;
    expect(payments.map((p: { amount: string }) => p.amount)).toEqual(['40.5', '59.5']);
  });

  it('marks an overpayment and completes it under the default rule', async () => {
    const inv = (await create({ payment_currency: 'USDT_TRC20' })).body;
    const r = await pay(inv.id, { amount: '150' });
    expect(r.body.invoice).toMatchObject({
      status: 'overpaid',
      context: 'overpaid',
      resolution: 'completed',
      received: '150',
    });
  });

  it('flags a late payment for the merchant and lets them complete it by hand', async () => {
    const inv = (await create({ payment_currency: 'USDT_TRC20', expires_in: 600 })).body;
    const r = await pay(inv.id, { late: true });
    expect(r.body.invoice).toMatchObject({
      status: 'paid',
      context: 'paid_late',
      resolution: null,
    });
    const done = await k.api('POST', `/api/v1/invoices/${inv.id}/complete`);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'paid',
      context: 'paid_late',
      resolution: 'completed',
    });
    const again = await k.api('POST', `/api/v1/invoices/${inv.id}/complete`);
    expect(again.status).toBe(409);
  });

  it('completes a late payment by rule when the project accepts them', async () => {
    const patch = await k.api('PATCH', `/api/v1/projects/${k.shopId}`, {
      rules: { late_payment_action: 'accept' },
    });
    expect(patch.status).toBe(200);
    expect(patch.body.rules.late_payment_action).toBe('accept');
    const inv = (await create({ payment_currency: 'USDT_TRC20' })).body;
    const r = await pay(inv.id, { late: true });
    expect(r.body.invoice).toMatchObject({
      status: 'paid',
      context: 'paid_late',
      resolution: 'completed',
    });
    await k.api('PATCH', `/api/v1/projects/${k.shopId}`, {
      rules: { late_payment_action: 'manual' },
    });
  });

  it('cancels an open invoice, refuses to cancel a paid one, and treats later payments as late', async () => {
    const inv = (await create({ payment_currency: 'USDT_TRC20' })).body;
    const c = await k.api('POST', `/api/v1/invoices/${inv.id}/cancel`);
    expect(c.body).toMatchObject({ status: 'canceled' });
    const late = await pay(inv.id);
    expect(late.body.invoice).toMatchObject({ status: 'paid', context: 'paid_late' });

    const paid = (await create({ payment_currency: 'USDT_TRC20' })).body;
    await pay(paid.id);
    const refused = await k.api('POST', `/api/v1/invoices/${paid.id}/cancel`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('invalid_state');
  });

  it('records a refund and stays refunded', async () => {
    const inv = (await create({ payment_currency: 'USDT_TRC20' })).body;
    await pay(inv.id, { amount: '30' });
    const r = await k.api('POST', `/api/v1/invoices/${inv.id}/refunds`, {
      amount: '30',
      currency: 'USDT_TRC20',
      address: 'TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE',
      txid: 'abcdef0123456789',
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'refunded', resolution: 'refunded' });
    await pay(inv.id, { amount: '70' });
    const after = await k.api('GET', `/api/v1/invoices/${inv.id}`);
    expect(after.body.status).toBe('refunded');
    const refunds = (await k.api('GET', `/api/v1/invoices/${inv.id}/refunds`)).body.data;
    expect(refunds).toEqual([
      expect.objectContaining({ source: 'merchant', amount: '30', txid: 'abcdef0123456789' }),
    ]);
  });

  it('fixes a no-timer invoice rate at the customer choice, a timer invoice rate at creation', async () => {
    rates.btcUsd = '50000';
    const timer = (await create({ amount: '100' })).body;
    const noTimer = (await create({ amount: '100', expires_in: null })).body;
    expect(noTimer.expires_at).toBeNull();
    rates.btcUsd = '40000';
    const t = await k.api('POST', `/api/v1/invoices/${timer.id}/quote`, { currency: 'BTC' });
    const n = await k.api('POST', `/api/v1/invoices/${noTimer.id}/quote`, { currency: 'BTC' });
    expect(t.body.quote).toMatchObject({ rate: '50000', amount_due: '0.002' });
    expect(n.body.quote).toMatchObject({ rate: '40000', amount_due: '0.0025' });
    const paid = await pay(noTimer.id);
    expect(paid.body.invoice.status).toBe('paid');
    rates.btcUsd = '60000';
  });

  it('hands out addresses from the merchant wallet, never one index twice, for live invoices', async () => {
    // BIP84's published test vector: account zpub and its first receive addresses.
    const zpub =
      'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
    const patch = await k.api('PATCH', `/api/v1/projects/${k.shopId}`, {
      wallets: { BTC: { key: zpub } },
    });
    expect(patch.status).toBe(200);
    const first = await create({ payment_currency: 'BTC', test_mode: false });
    expect(first.status).toBe(201);
    expect(first.body.test_mode).toBe(false);
    expect(first.body.quote.address).toBe('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu');
    expect(first.body.quote.payment_uri).toMatch(
      /^bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu\?amount=0\.00166667/,
    );
    const second = await create({ payment_currency: 'BTC', test_mode: false });
    expect(second.body.quote.address).toBe('bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g');
    const sim = await pay(first.body.id);
    expect(sim.status).toBe(409);
    const noWallet = await create({ payment_currency: 'ETH', test_mode: false });
    expect(noWallet.status).toBe(422);
    expect(noWallet.body.error.field).toBe('payment_currency');
  });

  it('answers 503 naming the pair when no fresh rate exists, and other currencies keep working', async () => {
    const r = await create({ payment_currency: 'ETH' });
    expect(r.status).toBe(503);
    expect(r.body.error).toMatchObject({ code: 'rate_unavailable' });
    expect(r.body.error.message).toContain('ETH/USD');
    expect((await create({ payment_currency: 'LTC' })).status).toBe(201);
  });

  it('is idempotent on order_id and on Idempotency-Key', async () => {
    const a = await create({ order_id: 'order-1' });
    const b = await create({ order_id: 'order-1' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body.id).toBe(a.body.id);
    const clash = await create({ order_id: 'order-1', amount: '5' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.field).toBe('order_id');

    const k1 = await create({ amount: '7' }, { 'idempotency-key': 'key-1' });
    const k2 = await create({ amount: '7' }, { 'idempotency-key': 'key-1' });
    expect(k2.body.id).toBe(k1.body.id);
    const k3 = await create({ amount: '8' }, { 'idempotency-key': 'key-1' });
    expect(k3.status).toBe(422);
  });

  it('lists with filters and cursor pagination', async () => {
    const api = (p: string) =>
      fetch(k.url + p, { headers: { authorization: `Bearer ${k.apiKey}` } }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as any,
      }));
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { body: { data: { id: string }[]; next_cursor: string | null } } = await api(
        `/api/v1/invoices?limit=5${cursor ? `&cursor=${cursor}` : ''}`,
      );
      all.push(...r.body.data.map((i) => i.id));
      cursor = r.body.next_cursor;
    } while (cursor);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBeGreaterThan(10);
    const paid = await api('/api/v1/invoices?status=paid&limit=100');
    expect(paid.body.data.length).toBeGreaterThan(0);
    expect(paid.body.data.every((i: { status: string }) => i.status === 'paid')).toBe(true);
    const byOrder = await api('/api/v1/invoices?order_id=order-1');
    expect(byOrder.body.data).toHaveLength(1);
    const bad = await api('/api/v1/invoices?status=bogus');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('status');
  });

  it("answers 404 for another account's invoice and 401 for a revoked key", async () => {
    const adminApi = (method: string, p: string, body?: unknown) =>
      fetch(k.url + '/api/v1/admin' + p, {
        method,
        headers: {
          authorization: `Bearer ${admin}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const acc = await adminApi('POST', '/accounts', { name: 'Other merchant' });
    expect(acc.status).toBe(201);
    const key = await adminApi('POST', `/accounts/${acc.body.id}/keys`, { label: 'x' });
    const proj = await adminApi('POST', `/accounts/${acc.body.id}/projects`, {
      name: 'Other shop',
    });
    expect(proj.status).toBe(201);
    expect(proj.body.secret_key).toBeTruthy();
    const mine = (await create({ payment_currency: 'USDT_TRC20' })).body;
    const other = await fetch(`${k.url}/api/v1/invoices/${mine.id}`, {
      headers: { authorization: `Bearer ${key.body.key}` },
    });
    expect(other.status).toBe(404);
    const wrongShop = await fetch(`${k.url}/api/v1/invoices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.body.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ shop_id: k.shopId, amount: '1' }),
    });
    expect(wrongShop.status).toBe(404);
    expect((await adminApi('DELETE', `/keys/${key.body.id}`)).status).toBe(200);
    const revoked = await fetch(`${k.url}/api/v1/invoices`, {
      headers: { authorization: `Bearer ${key.body.key}` },
    });
    expect(revoked.status).toBe(401);
    const noAdmin = await fetch(`${k.url}/api/v1/admin/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${k.apiKey}` },
    });
    expect(noAdmin.status).toBe(401);
  });

  it('serves health, readiness, OpenAPI 3.1 and the docs', async () => {
    expect((await fetch(`${k.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${k.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: true } });
    const spec = (await (await fetch(`${k.url}/api/v1/openapi.json`)).json()) as any;
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toContain('/api/v1/invoices');
    const docs = await fetch(`${k.url}/docs`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
    const page = await docs.text();
    expect(page).toContain('swagger-ui');
    // Every file the page loads is served, and nothing else from disk.
    for (const src of page.matchAll(/(?:src|href)="(\/docs\/static\/[^"]+)"/g)) {
      const r = await fetch(`${k.url}${src[1]}`);
      expect(r.status, src[1]).toBe(200);
      expect((await r.arrayBuffer()).byteLength, src[1]).toBeGreaterThan(100);
    }
    const init = await (await fetch(`${k.url}/docs/static/swagger-initializer.js`)).text();
    expect(init).toContain('/api/v1/openapi.json');
    for (const file of ['index.html', '__proto__', '..%2Fpackage.json', 'constructor'])
      expect((await fetch(`${k.url}/docs/static/${file}`)).status, file).toBe(404);
    // A canceled invoice of its own, so the count below depends on no other scenario.
    const open = (await create({ payment_currency: 'USDT_TRC20' })).body;
    expect((await k.api('POST', `/api/v1/invoices/${open.id}/cancel`)).status).toBe(200);
    const metrics = await (await fetch(`${k.url}/metrics`)).text();
    expect(metrics).toMatch(/kassa_invoices\{status="paid"\} [1-9]/);
    expect(metrics).toMatch(/kassa_invoices\{status="canceled"\} [1-9]/);
  });
});

// A restart gets its own Kassa and data directory: if it fails, the scenarios above are untouched.
describe('invoice expiry across a restart (its own Kassa)', () => {
  const clock = new FakeClock();
  const rates = new MovableRates();
  const env = { KASSA_DEMO_API_KEY: 'kassa_lifecycle_restart_key_0123456789' };
  let k: TestKassa | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    await k?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('expires an unpaid invoice on time, also across a restart', async () => {
    k = await startTestKassa(env, { clock, rates });
    const create = (body: Record<string, unknown>) =>
      k!.api('POST', '/api/v1/invoices', { shop_id: k!.shopId, amount: '100.00', ...body });
    const inv = (await create({ payment_currency: 'USDT_TRC20', expires_in: 60 })).body;
    clock.advance(61_000);
    const seen = await until(
      () => k!.api('GET', `/api/v1/invoices/${inv.id}`),
      (r) => r.body.status === 'canceled',
    );
    expect(seen.body.status).toBe('canceled');

    const second = (await create({ payment_currency: 'USDT_TRC20', expires_in: 60 })).body;
    dir = k.dataDir;
    await k.close();
    k = undefined;
    clock.advance(61_000);
    k = await startTestKassa({ ...env, DATA_DIR: dir }, { clock, rates });
    const after = await until(
      () => k!.api('GET', `/api/v1/invoices/${second.id}`),
      (r) => r.body.status === 'canceled',
    );
    expect(after.body.status).toBe('canceled');
  });
});
