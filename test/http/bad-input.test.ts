/**
 * Hundreds of generated malformed requests: every one gets a 4xx with a stable
 * error code (and the field, where one is at fault), none a 5xx, none a write.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKassa, type TestKassa } from '../support/kassa.js';

const TABLES = [
  'invoices',
  'quotes',
  'payments',
  'events',
  'refunds',
  'idempotency_keys',
  'address_allocations',
] as const;

describe('bad input', () => {
  let k: TestKassa;
  let invoiceId: string;

  beforeAll(async () => {
    k = await startTestKassa();
    const r = await k.api('POST', '/api/v1/invoices', { shop_id: k.shopId, amount: '10' });
    invoiceId = r.body.id;
  });
  afterAll(async () => k?.stop());

  async function counts() {
    const out: Record<string, number> = {};
    for (const t of TABLES) {
      const r = await k.store.db
        .selectFrom(t)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      out[t] = Number(r.n);
    }
    return out;
  }

  async function send(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ) {
    const res = await fetch(k.url + path, {
      method,
      headers: { authorization: `Bearer ${k.apiKey}`, ...headers },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    return { status: res.status, text };
  }

  const badAmount = fc.oneof(
    fc.constantFrom(
      '0',
      '0.00',
      '-1',
      '1e5',
      'NaN',
      'Infinity',
      '',
      ' 1',
      '1,5',
      '0x10',
      '12345678901234567890',
      '1.0000000000000000001',
      '١٢',
    ),
    fc.double().map((d) => d),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 2 }),
    fc.string({ maxLength: 5 }).filter((s) => !/^\d+(\.\d+)?$/.test(s)),
  );
  const badString = fc.oneof(
    fc.string({ minLength: 2000, maxLength: 3000 }),
    fc.integer(),
    fc.constant(null),
    fc.constant({}),
    fc.constantFrom('XXX', 'btc-ish', 'DOGE', 'usd '),
  );

  const createBodies = fc.oneof(
    badAmount.map((amount) => ({ shop_id: 'SHOP', amount })),
    badString.map((currency) => ({ shop_id: 'SHOP', amount: '10', currency })),
    badString.map((payment_currency) => ({ shop_id: 'SHOP', amount: '10', payment_currency })),
    badString.map((order_id) => ({ shop_id: 'SHOP', amount: '10', order_id })),
    badString.map((email) => ({ shop_id: 'SHOP', amount: '10', email })),
    fc
      .oneof(fc.integer({ max: 59 }), fc.string(), fc.double())
      .map((expires_in) => ({ shop_id: 'SHOP', amount: '10', expires_in })),
    fc
      .string({ minLength: 1, maxLength: 8 })
      .filter((s) => /^[a-z]+$/.test(s))
      .map((f) => ({ shop_id: 'SHOP', amount: '10', [`x_${f}`]: 1 })),
    fc.constant({ amount: '10' }),
    fc.constant({ shop_id: 'SHOP' }),
    fc.constant({ shop_id: 'nope-not-mine', amount: '10' }),
    fc.constant({ shop_id: 'SHOP', amount: '10', available_currencies: ['BTC', 'NOPE'] }),
    fc.constant({ shop_id: 'SHOP', amount: '10', locale: 'de' }),
    fc.constant({ shop_id: 'SHOP', amount: '10', metadata: { a: 1 } }),
    fc.constant({ shop_id: 'SHOP', amount: '10.123', currency: 'JPY' }),
  );

  type Req = { method: string; path: string; body?: string; headers: Record<string, string> };
  const json = { 'content-type': 'application/json' };
  const requests: fc.Arbitrary<Req> = fc.oneof(
    createBodies.map((b) => ({
      method: 'POST',
      path: '/api/v1/invoices',
      body: JSON.stringify(b).replace('"SHOP"', JSON.stringify(k.shopId)),
      headers: json,
    })),
    fc
      .constantFrom('{', '{"shop_id":', 'null', '[]', '"str"', '{"a":1}}', 'amount=10')
      .map((body) => ({
        method: 'POST',
        path: '/api/v1/invoices',
        body,
        headers: json,
      })),
    fc.constant({
      method: 'POST',
      path: '/api/v1/invoices',
      body: JSON.stringify({ pad: 'x'.repeat(70_000) }),
      headers: json,
    }),
    fc.constant({
      method: 'POST',
      path: '/api/v1/invoices',
      body: 'shop_id=x&amount=1',
      headers: { 'content-type': 'text/plain' },
    }),
    fc.oneof(badString, badAmount).map((currency) => ({
      method: 'POST',
      path: `/api/v1/invoices/${invoiceId}/quote`,
      body: JSON.stringify({ currency }),
      headers: json,
    })),
    fc.record({ amount: badAmount, currency: badString, address: badString }).map((b) => ({
      method: 'POST',
      path: `/api/v1/invoices/${invoiceId}/refunds`,
      body: JSON.stringify(b),
      headers: json,
    })),
    badAmount.map((amount) => ({
      method: 'POST',
      path: `/api/v1/invoices/${invoiceId}/test-payments`,
      body: JSON.stringify({ amount }),
      headers: json,
    })),
    fc
      .constantFrom(
        'inv_doesnotexist0000000000',
        'INV-ZZZZZZZZ',
        '../etc/passwd',
        'x'.repeat(300),
        '%00',
      )
      .map((id) => ({
        method: 'GET',
        path: `/api/v1/invoices/${encodeURIComponent(id)}`,
        headers: {},
      })),
    fc
      .constantFrom(
        'limit=0',
        'limit=101',
        'limit=abc',
        'status=nope',
        'created_from=yesterday',
        'cursor=%%%',
        'bogus=1',
      )
      .map((q) => ({ method: 'GET', path: `/api/v1/invoices?${q}`, headers: {} })),
    fc
      .oneof(
        fc.constant({ rules: { overpaid_action: 'maybe' } }),
        fc.constant({ rules: { underpaid_tolerance_percent: '101' } }),
        fc.constant({ wallets: { BTC: { key: 'not-an-xpub-at-all' } } }),
        fc.constant({ confirmations: { BTC: -1 } }),
        fc.constant({ enabled_currencies: ['NOPE'] }),
        fc.constant({ success_url: 'javascript:alert(1)' }),
      )
      .map((b) => ({
        method: 'PATCH',
        path: `/api/v1/projects/${k.shopId}`,
        body: JSON.stringify(b),
        headers: json,
      })),
    fc
      .constantFrom(
        '',
        'Bearer',
        'Bearer wrong-key-0123456789',
        'Basic abc',
        `Token ${'x'.repeat(20)}`,
      )
      .map((auth) => ({
        method: 'POST',
        path: '/api/v1/invoices',
        body: JSON.stringify({ shop_id: k.shopId, amount: '10' }),
        headers: { ...json, authorization: auth },
      })),
  );

  it('answers every malformed request with a clear 4xx and writes nothing', async () => {
    const before = await counts();
    const project = await k.api('GET', `/api/v1/projects/${k.shopId}`);
    const samples = fc.sample(requests, { numRuns: 400, seed: 4242 });
    const statuses = new Map<number, number>();
    for (const r of samples) {
      const res = await send(r.method, r.path, r.body, r.headers);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(
        res.status,
        `${r.method} ${r.path} ${r.body?.slice(0, 200)} -> ${res.text}`,
      ).toBeGreaterThanOrEqual(400);
      expect(
        res.status,
        `${r.method} ${r.path} ${r.body?.slice(0, 200)} -> ${res.text}`,
      ).toBeLessThan(500);
      const parsed = JSON.parse(res.text);
      expect(String(parsed.error?.code), `${r.method} ${r.path} -> ${res.text}`).toMatch(
        /^[a-z_]+$/,
      );
      if (res.status === 400) expect(parsed.error.field, res.text).toBeTruthy();
    }
    expect(await counts()).toEqual(before);
    expect((await k.api('GET', `/api/v1/projects/${k.shopId}`)).body).toEqual(project.body);
    expect(samples.length).toBe(400);
    expect([...statuses.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
  });
});
