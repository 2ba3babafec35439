/**
 * Generated malformed, mis-signed and foreign requests against the Cryptopay-
 * and CoinsPaid-compatible faces: every one gets a 4xx in that provider's
 * error shape, none a 5xx, none a write.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueProviderCredentials } from '../../src/app/provider-credentials.js';
import { loadSigningKey } from '../../src/signing-key.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { cp, type CpPair } from '../cryptopay/helpers.js';

const TABLES = [
  'invoices',
  'quotes',
  'payments',
  'events',
  'refunds',
  'address_allocations',
] as const;

let k: TestKassa;
let cpPair: CpPair;
let cpsPair: { apiKey: string; apiSecret: string };

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

beforeAll(async () => {
  k = await startTestKassa();
  const accountId = (await k.ctx.store.projects.get(k.shopId))!.accountId;
  const key = loadSigningKey(k.config);
  cpPair = await issueProviderCredentials(k.ctx, key, {
    accountId,
    shopId: k.shopId,
    provider: 'cryptopay',
  });
  cpsPair = await issueProviderCredentials(k.ctx, key, {
    accountId,
    shopId: k.shopId,
    provider: 'coinspaid',
  });
});
afterAll(async () => k?.stop());

/** Values that are wrong where an amount, a currency, a flag or a string belongs. */
const junk = fc.oneof(
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1e400',
    'NaN',
    'abc',
    '0.0000000000000000000001',
    '99999999999999999999999',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.string({ maxLength: 300 }),
);

/** Ids as path segments; "." and ".." are URL dot-segments that clients resolve away before sending. */
const ids = fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s !== '.' && s !== '..');

const rawBodies = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{',
    '[]',
    '"x"',
    '1',
    'null',
    '{"price_amount": 1.}',
    '{"__proto__": {"x": 1}}',
    '{"metadata": {"constructor": {"prototype": {"x": 1}}}}',
    '{"a":'.repeat(40) + '1' + '}'.repeat(40),
  ),
);

describe('Cryptopay face under fuzz', () => {
  it('answers malformed create bodies with a 4xx in its error shape and writes nothing', async () => {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            price_amount: junk,
            price_currency: fc.oneof(junk, fc.constantFrom('EUR', 'USD', 'XYZ')),
            pay_currency: fc.oneof(junk, fc.constantFrom('BTC', 'USDT', 'DOGE')),
            network: junk,
            custom_id: junk,
            metadata: junk,
            extra: junk,
          },
          { requiredKeys: [] },
        ),
        async (body) => {
          // Only bodies with a valid price, currency and pay currency could succeed: make sure they cannot.
          const b = { ...body, price_amount: body.price_amount ?? 'abc' };
          if (typeof b.price_amount === 'string' && /^\d+(\.\d+)?$/.test(b.price_amount))
            b.price_amount = '-1';
          const r = await cp(k, cpPair, 'POST', '/api/invoices', b);
          expect(r.status, r.text).toBeGreaterThanOrEqual(400);
          expect(r.status, r.text).toBeLessThan(500);
          expect(r.body.error.code).toEqual(expect.any(String));
        },
      ),
      { numRuns: 120 },
    );
    await fc.assert(
      fc.asyncProperty(rawBodies, async (raw) => {
        const r = await cp(k, cpPair, 'POST', '/api/invoices', undefined, { rawBody: raw });
        expect(r.status, raw).toBeGreaterThanOrEqual(400);
        expect(r.status, raw).toBeLessThan(500);
        expect(r.body.error.code).toEqual(expect.any(String));
      }),
      { numRuns: 80 },
    );
    expect(await counts()).toEqual(before);
  });

  it('answers bad signatures, odd ids and paths with a 4xx, never a 5xx', async () => {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(ids, fc.string({ maxLength: 40 }), async (id, sig) => {
        const path = `/api/invoices/${encodeURIComponent(id)}`;
        const good = await cp(k, cpPair, 'GET', path);
        expect([404, 400]).toContain(good.status);
        const refunds = await cp(k, cpPair, 'POST', `${path}/refunds`, { address: id });
        expect(refunds.status).toBeGreaterThanOrEqual(400);
        expect(refunds.status).toBeLessThan(500);
        const bad = await cp(k, cpPair, 'GET', path, undefined, {
          authorization: `HMAC ${cpPair.apiKey}:${sig}`,
        });
        expect(bad.status).toBe(401);
        const odd = await cp(k, cpPair, 'GET', '/api/invoices', undefined, {
          authorization: `HMAC ${id}:${sig}`,
        });
        expect(odd.status).toBe(401);
      }),
      { numRuns: 60 },
    );
    expect(await counts()).toEqual(before);
  });
});

describe('CoinsPaid face under fuzz', () => {
  async function cps(path: string, payload: string, secret = cpsPair.apiSecret) {
    const res = await fetch(k.url + path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-processing-key': cpsPair.apiKey,
        'x-processing-signature': createHmac('sha512', secret).update(payload).digest('hex'),
      },
      body: payload,
    });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) };
  }

  it('answers malformed bodies and bad signatures with a 4xx in its error shape and writes nothing', async () => {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            timer: junk,
            title: junk,
            currency: fc.oneof(junk, fc.constantFrom('EUR', 'BTC')),
            sender_currency: junk,
            amount: junk,
            foreign_id: junk,
            url_success: junk,
            email_user: junk,
          },
          { requiredKeys: [] },
        ),
        async (body) => {
          // A valid amount could make a valid invoice: keep every generated body unpayable.
          const r = await cps(
            '/api/v2/invoices/create',
            JSON.stringify({ ...body, amount: 'abc' }),
          );
          expect(r.status, r.text).toBe(400);
          expect(Object.keys(r.body.errors)).toHaveLength(1);
        },
      ),
      { numRuns: 120 },
    );
    await fc.assert(
      fc.asyncProperty(rawBodies, async (raw) => {
        const r = await cps('/api/v2/invoices/create', raw);
        expect(r.status, raw).toBe(400);
        expect(r.body.errors).toEqual(expect.any(Object));
        const badSig = await cps('/api/v2/invoices/create', raw, 'wrong');
        expect(badSig.status).toBe(403);
        expect(badSig.body.code).toBe('bad_header_signature');
      }),
      { numRuns: 80 },
    );
    await fc.assert(
      fc.asyncProperty(ids, async (id) => {
        const r = await cps(`/api/v2/invoices/${encodeURIComponent(id)}/cancel/`, '');
        expect(r.status).toBe(404);
        expect(r.body.errors.foreign_id).toEqual(expect.any(String));
      }),
      { numRuns: 40 },
    );
    expect(await counts()).toEqual(before);
  });
});
