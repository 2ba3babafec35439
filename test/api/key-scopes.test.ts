/**
 * API key scopes over HTTP against a running Kassa: a read-only key is refused
 * every write on every face; a key limited to one project reaches nothing of
 * another project on any native route.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createProject } from '../../src/app/accounts.js';
import { issueProviderCredentials } from '../../src/app/provider-credentials.js';
import { PROJECT_OF, requireProjectRule } from '../../src/http/api-v1/scope.js';
import { loadSigningKey } from '../../src/signing-key.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { cp } from '../cryptopay/helpers.js';

let k: TestKassa;
let accountId: string;
let shopB: string;
let readKey: string;
let keyA: string;
/** An invoice, webhook endpoint and delivery in each project. */
const inA: { invoice: string; endpoint: string; delivery: string } = {
  invoice: '',
  endpoint: '',
  delivery: '',
};
const inB = { ...inA };

async function call(key: string, method: string, path: string, body?: unknown) {
  const res = await fetch(k.url + path, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function fill(shopId: string, into: typeof inA) {
  const inv = await k.api('POST', '/api/v1/invoices', { shop_id: shopId, amount: '10.00' });
  expect(inv.status, JSON.stringify(inv.body)).toBe(201);
  into.invoice = inv.body.id;
  const ep = await k.api('POST', `/api/v1/projects/${shopId}/webhook-endpoints`, {
    url: 'http://127.0.0.1:9/none',
  });
  expect(ep.status, JSON.stringify(ep.body)).toBe(201);
  into.endpoint = ep.body.id;
  const test = await k.api(
    'POST',
    `/api/v1/projects/${shopId}/webhook-endpoints/${into.endpoint}/test`,
  );
  into.delivery = test.body.id;
}

/** A route's path with its parameters pointing at project `p`'s resources. */
function pathFor(url: string, shopId: string, p: typeof inA) {
  return url
    .replace(':shopId', shopId)
    .replace(':endpointId', p.endpoint)
    .replace(':paymentId', 'pay_none')
    .replace('/invoices/:id', `/invoices/${p.invoice}`)
    .replace('/deliveries/:id', `/deliveries/${p.delivery}`);
}

beforeAll(async () => {
  k = await startTestKassa({ KASSA_TEST_MODE: 'true' });
  accountId = (await k.ctx.store.projects.get(k.shopId))!.accountId;
  shopB = (await createProject(k.ctx, accountId, { name: 'Second shop' })).project.id;
  readKey = (await createApiKey(k.ctx, accountId, 'reader', undefined, { access: 'read' })).key;
  keyA = (await createApiKey(k.ctx, accountId, 'shop A', undefined, { projectId: k.shopId })).key;
  await fill(k.shopId, inA);
  await fill(shopB, inB);
}, 60_000);
afterAll(async () => k?.stop());

describe('read-only API keys', () => {
  it('read, and get 403 with a clear error on every native write route', async () => {
    const list = await call(readKey, 'GET', '/api/v1/invoices');
    expect(list.status).toBe(200);
    expect(list.body.data.length).toBeGreaterThanOrEqual(2);
    expect((await call(readKey, 'GET', `/api/v1/invoices/${inB.invoice}`)).status).toBe(200);
    const writes = Object.keys(PROJECT_OF).filter((r) => !r.startsWith('GET '));
    expect(writes.length).toBeGreaterThan(10);
    const before = (await k.api('GET', '/api/v1/invoices?limit=100')).body.data.length;
    for (const route of writes) {
      const [method, url] = route.split(' ') as [string, string];
      const res = await call(readKey, method, pathFor(url, k.shopId, inA), {
        shop_id: k.shopId,
        amount: '1.00',
      });
      expect(res.status, route).toBe(403);
      expect(res.body.error, route).toEqual({
        code: 'forbidden',
        message: 'this API key is read-only; use a key with full access to change anything',
        field: 'Authorization',
      });
    }
    expect((await k.api('GET', '/api/v1/invoices?limit=100')).body.data.length).toBe(before);
    expect((await k.api('GET', `/api/v1/invoices/${inA.invoice}`)).body.status).toBe('created');
  });

  it('cannot create invoices on the CryptoCloud face, but can look them up', async () => {
    const cc = (key: string, path: string, body: unknown) =>
      fetch(k.url + path, {
        method: 'POST',
        headers: { authorization: `Token ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const created = await cc(readKey, '/v2/invoice/create', { amount: 5, shop_id: k.shopId });
    expect(created.status).toBe(403);
    expect(created.body.detail).toMatch(/read-only/);
    const old = await cc(readKey, '/v1/invoice/create', { amount: 5, shop_id: k.shopId });
    expect(old.status).toBe(403);
    const uuid = (await k.api('GET', `/api/v1/invoices/${inA.invoice}`)).body.uuid;
    const cancel = await cc(readKey, '/v2/invoice/merchant/canceled', { uuid });
    expect(cancel.status).toBe(403);
    const info = await cc(readKey, '/v2/invoice/merchant/info', { uuids: [uuid] });
    expect(info.status).toBe(200);
    expect(info.body.result[0].status).toBe('created');
  });

  it('cannot create invoices on the Cryptopay and CoinsPaid faces', async () => {
    const signingKey = loadSigningKey(k.config);
    const cpPair = await issueProviderCredentials(k.ctx, signingKey, {
      accountId,
      shopId: k.shopId,
      provider: 'cryptopay',
      access: 'read',
    });
    const made = await cp(k, cpPair, 'POST', '/api/invoices', {
      price_amount: '10',
      price_currency: 'EUR',
      pay_currency: 'BTC',
    });
    expect(made.status).toBe(403);
    expect(made.text).toMatch(/read-only/);
    expect((await cp(k, cpPair, 'GET', '/api/invoices')).status).toBe(200);

    const cpsPair = await issueProviderCredentials(k.ctx, signingKey, {
      accountId,
      shopId: k.shopId,
      provider: 'coinspaid',
      access: 'read',
    });
    const payload = JSON.stringify({
      title: 'T',
      currency: 'EUR',
      amount: 35,
      url_success: 'http://success.test',
      url_failed: 'http://failed.test',
      email_user: 'email@address.com',
      timer: false,
      foreign_id: 'read-only-1',
    });
    const res = await fetch(`${k.url}/api/v2/invoices/create`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-processing-key': cpsPair.apiKey,
        'x-processing-signature': createHmac('sha512', cpsPair.apiSecret)
          .update(payload)
          .digest('hex'),
      },
      body: payload,
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('forbidden');
  });
});

describe('API keys limited to one project', () => {
  it("reach their project's resources", async () => {
    expect((await call(keyA, 'GET', `/api/v1/invoices/${inA.invoice}`)).status).toBe(200);
    expect((await call(keyA, 'GET', `/api/v1/deliveries/${inA.delivery}`)).status).toBe(200);
    const created = await call(keyA, 'POST', '/api/v1/invoices', {
      shop_id: k.shopId,
      amount: '3.00',
    });
    expect(created.status).toBe(201);
    const projects = await call(keyA, 'GET', '/api/v1/projects');
    expect(projects.body.data.map((p: { shop_id: string }) => p.shop_id)).toEqual([k.shopId]);
    const list = await call(keyA, 'GET', '/api/v1/invoices?limit=100');
    expect(list.status).toBe(200);
    const shops = new Set(list.body.data.map((i: { shop_id: string }) => i.shop_id));
    expect([...shops]).toEqual([k.shopId]);
  });

  it("answer 404 or 403 on every native route aimed at another project's resources", async () => {
    const before = (await k.api('GET', '/api/v1/invoices?limit=100')).body.data.length;
    for (const route of Object.keys(PROJECT_OF)) {
      const [method, url] = route.split(' ') as [string, string];
      if (route === 'GET /api/v1/invoices' || route === 'GET /api/v1/projects') {
        // Lists answer, narrowed to the key's project.
        const res = await call(keyA, method, url);
        expect(res.status, route).toBe(200);
        expect(JSON.stringify(res.body), route).not.toContain(shopB);
        continue;
      }
      const res = await call(
        keyA,
        method,
        pathFor(url, shopB, inB),
        method === 'GET' ? undefined : { shop_id: shopB, amount: '1.00' },
      );
      expect([403, 404], `${route} answered ${res.status} ${JSON.stringify(res.body)}`).toContain(
        res.status,
      );
    }
    expect((await call(keyA, 'GET', `/api/v1/invoices?shop_id=${shopB}`)).status).toBe(404);
    const collections = await call(keyA, 'GET', '/api/v1/collections');
    expect(collections.status).toBe(403);
    expect(collections.body.error.message).toMatch(/limited to project/);
    // Nothing was written in project B.
    expect((await k.api('GET', '/api/v1/invoices?limit=100')).body.data.length).toBe(before);
    expect((await k.api('GET', `/api/v1/invoices/${inB.invoice}`)).body.status).toBe('created');
  });

  it('cannot create in or read another project on the CryptoCloud face', async () => {
    const cc = (path: string, body: unknown) =>
      fetch(k.url + path, {
        method: 'POST',
        headers: { authorization: `Token ${keyA}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    expect((await cc('/v2/invoice/create', { amount: 5, shop_id: shopB })).status).toBe(400);
    expect((await cc('/v2/invoice/create', { amount: 5, shop_id: k.shopId })).status).toBe(200);
    const uuidB = (await k.api('GET', `/api/v1/invoices/${inB.invoice}`)).body.uuid;
    expect((await cc('/v2/invoice/merchant/info', { uuids: [uuidB] })).status).toBe(400);
    expect((await cc('/v2/invoice/merchant/canceled', { uuid: uuidB })).status).toBe(400);
    expect((await cc('/v2/invoice/merchant/list', {})).status).toBe(403);
  });

  it('refuses to start with a merchant route that declares no project rule', () => {
    expect(() => requireProjectRule({ method: 'GET', url: '/api/v1/new-thing' } as never)).toThrow(
      /declares no API key project rule/,
    );
  });
});
