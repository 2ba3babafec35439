/** The CoinsPaid-compatible Invoices API v2 end to end: signing, the three invoice types, failures, cancel. */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, createProject } from '../../src/app/accounts.js';
import { issueProviderCredentials } from '../../src/app/provider-credentials.js';
import { settle } from '../../src/app/settle.js';
import { loadSigningKey } from '../../src/signing-key.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';

let k: TestKassa;
let pair: { apiKey: string; apiSecret: string };
let accountId: string;

async function cps(
  method: string,
  path: string,
  body?: unknown,
  o: { secret?: string; key?: string | null; raw?: string } = {},
): Promise<{ status: number; body: any }> {
  const payload = o.raw ?? (body === undefined ? '' : JSON.stringify(body));
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.key !== null) headers['x-processing-key'] = o.key ?? pair.apiKey;
  headers['x-processing-signature'] = createHmac('sha512', o.secret ?? pair.apiSecret)
    .update(payload)
    .digest('hex');
  const res = await fetch(k.url + path, { method, headers, ...(payload ? { body: payload } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const base = {
  title: 'Invoice Title',
  currency: 'EUR',
  amount: 35,
  url_success: 'http://success.test',
  url_failed: 'http://failed.test',
  email_user: 'email@address.com',
};
let n = 0;
const foreignId = () => `fid-${++n}`;
const count = () => k.ctx.store.invoices.count({ accountId, limit: 1 });

beforeAll(async () => {
  k = await startTestKassa();
  accountId = (await k.ctx.store.projects.get(k.shopId))!.accountId;
  pair = await issueProviderCredentials(k.ctx, loadSigningKey(k.config), {
    accountId,
    shopId: k.shopId,
    provider: 'coinspaid',
  });
});
afterAll(async () => k?.stop());

/** Ends an invoice's timer `agoMs` ago (after any payment already seen), as waiting would. */
async function expire(id: string, agoMs = 1000) {
  await k.ctx.store.transaction(async (uow) => {
    await uow.invoices.setExpiresAt(id, Date.now() - agoMs);
    await settle(k.ctx, uow, id);
  });
}

describe('CoinsPaid invoices v2', () => {
  it('creates the three invoice types: no timer, 15-minute timer, timer with a preselected currency', async () => {
    const noTimer = await cps('POST', '/api/v2/invoices/create', {
      ...base,
      timer: false,
      foreign_id: foreignId(),
    });
    expect(noTimer.status).toBe(200);
    expect(noTimer.body.data).toMatchObject({
      foreign_id: 'fid-1',
      title: 'Invoice Title',
      status: 'created',
      currency: 'EUR',
      amount: '35.00',
      sender_currency: null,
      sender_amount: null,
      address: null,
      fixed_at: null,
      release_at: null,
      seconds_left: null,
    });
    expect(Number.isSafeInteger(noTimer.body.data.id)).toBe(true);

    const timer = await cps('POST', '/api/v2/invoices/create', {
      ...base,
      timer: true,
      foreign_id: foreignId(),
    });
    expect(timer.status).toBe(200);
    expect(timer.body.data.release_at - timer.body.data.fixed_at).toBe(900);
    expect(timer.body.data.sender_currency).toBeNull();

    const fixed = await cps('POST', '/api/v2/invoices/create', {
      ...base,
      timer: true,
      sender_currency: 'BTC',
      foreign_id: foreignId(),
    });
    expect(fixed.status).toBe(200);
    expect(fixed.body.data.sender_currency).toBe('BTC');
    expect(fixed.body.data.sender_amount).toMatch(/^\d+\.\d+$/);
    expect(fixed.body.data.address).toEqual(expect.any(String));
    expect(fixed.body.data.release_at - fixed.body.data.fixed_at).toBe(900);
  });

  it('refuses a foreign_id used before, writing nothing', async () => {
    const id = foreignId();
    expect(
      (await cps('POST', '/api/v2/invoices/create', { ...base, timer: false, foreign_id: id }))
        .status,
    ).toBe(200);
    const before = await count();
    const again = await cps('POST', '/api/v2/invoices/create', {
      ...base,
      timer: false,
      foreign_id: id,
    });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({
      errors: { foreign_id: 'The foreign id has already been taken.' },
    });
    expect(await count()).toBe(before);
  });

  it('shows a paid invoice confirmed, and each failure with its error text', async () => {
    const create = async (extra: Record<string, unknown> = {}) => {
      const id = foreignId();
      const r = await cps('POST', '/api/v2/invoices/create', {
        ...base,
        timer: true,
        sender_currency: 'BTC',
        foreign_id: id,
        ...extra,
      });
      expect(r.status).toBe(200);
      const inv = (await k.ctx.store.invoices.byOrderId(k.shopId, id))!;
      return { id, inv };
    };
    const paid = await create();
    await k.api('POST', `/api/v1/invoices/${paid.inv.id}/test-payments`, {});
    const got = await cps('GET', `/api/v2/invoices/${paid.id}`);
    expect(got.body.data).toMatchObject({ status: 'confirmed', error: '' });

    const late = await create();
    await k.api('POST', `/api/v1/invoices/${late.inv.id}/test-payments`, { late: true });
    expect((await cps('GET', `/api/v2/invoices/${late.id}`)).body.data).toMatchObject({
      status: 'failed',
      error: 'Timer expired. User paid after the timer.',
    });

    const unpaid = await create();
    await expire(unpaid.inv.id);
    expect((await cps('GET', `/api/v2/invoices/${unpaid.id}`)).body.data).toMatchObject({
      status: 'failed',
      error: 'Timer expired. User not paid.',
      seconds_left: 0,
    });

    const short = await create();
    await k.api('POST', `/api/v1/invoices/${short.inv.id}/test-payments`, { amount: '0.0001' });
    expect((await cps('GET', `/api/v2/invoices/${short.id}`)).body.data.status).toBe('pending');
    await expire(short.inv.id, 1);
    expect((await cps('GET', `/api/v2/invoices/${short.id}`)).body.data).toMatchObject({
      status: 'failed',
      error: 'Timer expired. User paid less than requested.',
    });

    const cancelled = await create();
    const c = await cps('POST', `/api/v2/invoices/${cancelled.id}/cancel/`);
    expect(c.status).toBe(200);
    expect(c.body.data).toMatchObject({ status: 'failed', error: 'Cancelled by customer' });
    const twice = await cps('POST', `/api/v2/invoices/${cancelled.id}/cancel/`);
    expect(twice.status).toBe(400);
    expect(Object.keys(twice.body.errors)).toEqual(['foreign_id']);
    const cannot = await cps('POST', `/api/v2/invoices/${paid.id}/cancel/`);
    expect(cannot.status).toBe(400);
  });
});

describe('CoinsPaid request signing and bad input', () => {
  it('refuses a wrong key or signature with 403, writing nothing', async () => {
    const before = await count();
    const body = { ...base, timer: false, foreign_id: foreignId() };
    const badSig = await cps('POST', '/api/v2/invoices/create', body, { secret: 'wrong' });
    expect(badSig.status).toBe(403);
    expect(badSig.body.code).toBe('bad_header_signature');
    const badKey = await cps('POST', '/api/v2/invoices/create', body, {
      key: `${k.shopId}.key_00000000000000000000`,
    });
    expect(badKey.status).toBe(403);
    expect(badKey.body.code).toBe('bad_header_key');
    const noKey = await cps('POST', '/api/v2/invoices/create', body, { key: null });
    expect(noKey.status).toBe(403);
    expect(await count()).toBe(before);
  });

  it('answers 400 naming the field for bad bodies, prototype keys and malformed JSON', async () => {
    const before = await count();
    const cases: [unknown, string | undefined, string][] = [
      [{ ...base, foreign_id: 'x' }, undefined, 'timer'],
      [{ ...base, timer: 'yes', foreign_id: 'x' }, undefined, 'timer'],
      [{ ...base, timer: false }, undefined, 'foreign_id'],
      [{ ...base, timer: false, foreign_id: 'x', amount: 'abc' }, undefined, 'amount'],
      [{ ...base, timer: false, foreign_id: 'x', currency: 'XYZ' }, undefined, 'currency'],
      [
        { ...base, timer: true, foreign_id: 'x', sender_currency: 'DOGE' },
        undefined,
        'sender_currency',
      ],
      [
        { ...base, timer: false, foreign_id: 'x', url_success: 'javascript:alert(1)' },
        undefined,
        'url_success',
      ],
      [undefined, '{"timer": false, "__proto__": {"polluted": 1}}', '__proto__'],
      [undefined, '{"timer": false, "constructor": {"prototype": {"x": 1}}}', 'constructor'],
      [undefined, '{"timer": ', 'request'],
      [undefined, '[1,2]', 'request'],
    ];
    for (const [body, raw, field] of cases) {
      const r = await cps(
        'POST',
        '/api/v2/invoices/create',
        body,
        raw !== undefined ? { raw } : {},
      );
      expect(r.status, JSON.stringify(body ?? raw)).toBe(400);
      expect(Object.keys(r.body.errors), JSON.stringify(body ?? raw)).toEqual([field]);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await count()).toBe(before);
  });

  it("answers 404 for another merchant's foreign_id", async () => {
    const account = await createAccount(k.ctx, 'Other');
    const { project } = await createProject(k.ctx, account.id, { name: 'Other', testMode: true });
    const other = await issueProviderCredentials(k.ctx, loadSigningKey(k.config), {
      accountId: account.id,
      shopId: project.id,
      provider: 'coinspaid',
    });
    const r = await cps(
      'POST',
      '/api/v2/invoices/create',
      { ...base, timer: false, foreign_id: 'theirs' },
      { key: other.apiKey, secret: other.apiSecret },
    );
    expect(r.status).toBe(200);
    expect((await cps('GET', '/api/v2/invoices/theirs')).status).toBe(404);
    expect((await cps('POST', '/api/v2/invoices/theirs/cancel/')).status).toBe(404);
  });
});
