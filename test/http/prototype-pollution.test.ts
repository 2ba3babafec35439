/**
 * A hostile client with its own API key (or just a pay link) sends bodies built
 * to pollute Object.prototype through every parser on every face. Each is
 * refused with a 400 naming the key; afterwards nothing in the process is
 * polluted and another merchant's requests work and carry nothing injected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { otherMerchant } from '../cryptocloud/helpers.js';

const INJECTED = ['x', 'email', 'polluted', 'email_to_send', 'add_fields', 'metadata', 'status'];

interface Attack {
  readonly name: string;
  readonly method?: string;
  readonly path: string;
  readonly type: 'json' | 'form';
  readonly body: string;
  readonly auth: 'bearer' | 'token' | 'none';
}

function assertUnpolluted() {
  const probe = {} as Record<string, unknown>;
  for (const k of INJECTED) expect(probe[k], `Object.prototype.${k}`).toBeUndefined();
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(([] as unknown as Record<string, unknown>).x).toBeUndefined();
}

describe('prototype pollution through request bodies', () => {
  let k: TestKassa;
  let victim: { apiKey: string; shopId: string };
  let invoiceId: string;
  let endpointShop: string;

  beforeAll(async () => {
    k = await startTestKassa();
    victim = await otherMerchant(k);
    const r = await k.api('POST', '/api/v1/invoices', { shop_id: k.shopId, amount: '10' });
    invoiceId = r.body.id;
    endpointShop = k.shopId;
  });
  afterAll(async () => k?.stop());

  async function send(a: Attack) {
    const headers: Record<string, string> = {
      'content-type': a.type === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
    };
    if (a.auth === 'bearer') headers.authorization = `Bearer ${k.apiKey}`;
    if (a.auth === 'token') headers.authorization = `Token ${k.apiKey}`;
    if (a.auth === 'none') headers.accept = 'application/json';
    const res = await fetch(k.url + a.path, { method: a.method ?? 'POST', headers, body: a.body });
    return { status: res.status, text: await res.text() };
  }

  function attacks(): Attack[] {
    const cc = `shop_id=${k.shopId}&amount=10`;
    const ccJson = (extra: string) => `{"shop_id":"${k.shopId}","amount":10,${extra}}`;
    const native = (extra: string) => `{"shop_id":"${k.shopId}","amount":"10",${extra}}`;
    const list: Attack[] = [];
    const add = (
      name: string,
      path: string,
      type: Attack['type'],
      body: string,
      auth: Attack['auth'],
    ) => list.push({ name, path, type, body, auth });

    for (const path of ['/v2/invoice/create', '/v1/invoice/create']) {
      add(
        `${path} form __proto__[]`,
        path,
        'form',
        `${cc}&__proto__[email]=evil%40x.io&__proto__[x]=1`,
        'token',
      );
      add(
        `${path} form constructor[prototype]`,
        path,
        'form',
        `${cc}&constructor[prototype][x]=1`,
        'token',
      );
      add(
        `${path} form add_fields[__proto__]`,
        path,
        'form',
        `${cc}&add_fields[__proto__][email_to_send]=evil%40x.io`,
        'token',
      );
      add(`${path} form bare __proto__`, path, 'form', `${cc}&__proto__=1`, 'token');
      add(
        `${path} JSON __proto__`,
        path,
        'json',
        ccJson(`"__proto__":{"email":"evil@x.io","x":1}`),
        'token',
      );
      add(
        `${path} JSON constructor.prototype`,
        path,
        'json',
        ccJson(`"constructor":{"prototype":{"x":1}}`),
        'token',
      );
      add(
        `${path} JSON add_fields.__proto__`,
        path,
        'json',
        ccJson(`"add_fields":{"__proto__":{"email_to_send":"evil@x.io"}}`),
        'token',
      );
      if (path.startsWith('/v2'))
        add(
          `${path} JSON inside a form field`,
          path,
          'form',
          `${cc}&add_fields=${encodeURIComponent('{"__proto__":{"email_to_send":"evil@x.io"}}')}`,
          'token',
        );
      // PHP clients post JSON with a form content type.
      add(`${path} JSON as form`, path, 'form', ccJson(`"__proto__":{"x":1}`), 'token');
    }
    add(
      '/v2 merchant/info JSON',
      '/v2/invoice/merchant/info',
      'json',
      `{"uuids":["INV-AAAAAAAA"],"__proto__":{"x":1}}`,
      'token',
    );
    add(
      '/v2 merchant/list form',
      '/v2/invoice/merchant/list',
      'form',
      `start=01.01.2026&end=01.01.2026&__proto__[x]=1`,
      'token',
    );

    add(
      'native JSON __proto__',
      '/api/v1/invoices',
      'json',
      native(`"__proto__":{"x":1}`),
      'bearer',
    );
    add(
      'native JSON constructor.prototype',
      '/api/v1/invoices',
      'json',
      native(`"constructor":{"prototype":{"x":1}}`),
      'bearer',
    );
    add(
      'native JSON metadata.__proto__',
      '/api/v1/invoices',
      'json',
      native(`"metadata":{"__proto__":{"x":"1"}}`),
      'bearer',
    );
    add(
      'native form __proto__',
      '/api/v1/invoices',
      'form',
      `shop_id=${k.shopId}&amount=10&__proto__[x]=1&__proto__=1`,
      'bearer',
    );
    add(
      'webhooks JSON __proto__',
      `/api/v1/projects/${endpointShop}/webhook-endpoints`,
      'json',
      `{"url":"http://127.0.0.1:9/h","__proto__":{"x":1}}`,
      'bearer',
    );
    add(
      'pay page form __proto__',
      `/pay/${invoiceId}/currency`,
      'form',
      `currency=LTC&__proto__=1`,
      'none',
    );
    add(
      'pay page JSON __proto__',
      `/pay/${invoiceId}/refund`,
      'json',
      `{"address":"x","__proto__":{"address":"y"}}`,
      'none',
    );
    add(
      'pay page JSON constructor',
      `/pay/${invoiceId}/currency`,
      'json',
      `{"constructor":{"prototype":{"x":1}}}`,
      'none',
    );
    return list;
  }

  it('refuses every polluting body with a 400 naming the key, on every face', async () => {
    const all = attacks();
    for (const a of all) {
      const r = await send(a);
      expect(r.status, `${a.name}: ${r.text}`).toBe(400);
      expect(r.text, a.name).toMatch(/__proto__|constructor/);
      assertUnpolluted();
    }
    expect(all.length).toBeGreaterThan(20);
  });

  it('names the nested key for the native face', async () => {
    const r = await k.api(
      'POST',
      '/api/v1/invoices',
      `{"shop_id":"${k.shopId}","amount":"10","metadata":{"__proto__":{"x":"1"}}}`,
    );
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_request', field: 'metadata.__proto__' });
  });

  it("leaves another merchant's invoices working and free of injected fields", async () => {
    for (const a of attacks()) await send(a);
    assertUnpolluted();

    const native = await fetch(`${k.url}/api/v1/invoices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${victim.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ shop_id: victim.shopId, amount: '5.00' }),
    });
    const nativeBody = (await native.json()) as Record<string, unknown>;
    expect(native.status, JSON.stringify(nativeBody)).toBe(201);
    expect(nativeBody.metadata ?? null).toBeNull();
    expect(JSON.stringify(nativeBody)).not.toMatch(/evil@x\.io|"x":/);

    for (const [type, body] of [
      ['application/x-www-form-urlencoded', `shop_id=${victim.shopId}&amount=5`],
      ['application/json', JSON.stringify({ shop_id: victim.shopId, amount: 5 })],
    ] as const) {
      const res = await fetch(`${k.url}/v2/invoice/create`, {
        method: 'POST',
        headers: { authorization: `Token ${victim.apiKey}`, 'content-type': type },
        body,
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expect(text).not.toMatch(/evil@x\.io/);
      const created = JSON.parse(text) as { result: { uuid: string } };
      const info = await fetch(`${k.url}/v2/invoice/merchant/info`, {
        method: 'POST',
        headers: { authorization: `Token ${victim.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ uuids: [created.result.uuid] }),
      });
      const infoText = await info.text();
      expect(info.status, infoText).toBe(200);
      expect(infoText).not.toMatch(/evil@x\.io/);
    }
    const rows = await k.store.db.selectFrom('invoices').select(['metadata']).execute();
    for (const row of rows) expect(row.metadata ?? '').not.toMatch(/evil|"x"/);
  });

  it('answers 400, not a stack overflow, for bodies nested 30,000 levels deep', async () => {
    const deepJson = '['.repeat(30_000) + ']'.repeat(30_000);
    const deepObject = `{"shop_id":"${k.shopId}","amount":"10","metadata":${'['.repeat(30_000)}`;
    const deepForm = `shop_id=${k.shopId}&amount=10&a${'[]'.repeat(30_000)}=1`;
    const deepFormJson = `shop_id=${k.shopId}&amount=10&add_fields=${'['.repeat(30_000)}`;
    const cases: Attack[] = [
      {
        name: 'native JSON',
        path: '/api/v1/invoices',
        type: 'json',
        body: deepJson,
        auth: 'bearer',
      },
      {
        name: 'native JSON field',
        path: '/api/v1/invoices',
        type: 'json',
        body: deepObject,
        auth: 'bearer',
      },
      {
        name: 'webhooks JSON',
        path: `/api/v1/projects/${endpointShop}/webhook-endpoints`,
        type: 'json',
        body: deepJson,
        auth: 'bearer',
      },
      { name: '/v2 JSON', path: '/v2/invoice/create', type: 'json', body: deepJson, auth: 'token' },
      { name: '/v2 form', path: '/v2/invoice/create', type: 'form', body: deepForm, auth: 'token' },
      {
        name: '/v2 JSON in a form field',
        path: '/v2/invoice/create',
        type: 'form',
        body: deepFormJson,
        auth: 'token',
      },
      { name: '/v1 form', path: '/v1/invoice/create', type: 'form', body: deepForm, auth: 'token' },
      {
        name: 'pay page JSON',
        path: `/pay/${invoiceId}/currency`,
        type: 'json',
        body: deepJson,
        auth: 'none',
      },
    ];
    for (const c of cases) {
      const r = await send(c);
      expect(r.status, `${c.name}: ${r.text.slice(0, 200)}`).toBe(400);
      expect(r.text, c.name).toMatch(/nested/);
    }
    const health = await fetch(`${k.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
