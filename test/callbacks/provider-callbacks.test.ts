/**
 * CoinsPaid- and Cryptopay-format callbacks end to end through a whole Kassa:
 * endpoints created over the API, a test invoice paid in two parts and overpaid,
 * the callbacks received by a real local server that answers like CoinsPaid's
 * own handlers (403 unless the key and signature match).
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { startReceiver, type ReceivedRequest, type Receiver } from '../support/receiver.js';

type Json = Record<string, any>;

const units = (decimal: string) => {
  const [whole = '0', frac = ''] = decimal.split('.');
  return BigInt(whole + frac.padEnd(8, '0'));
};
const btc = (u: bigint) => {
  const s = u.toString().padStart(9, '0');
  return `${s.slice(0, -8)}.${s.slice(-8)}`.replace(/\.?0+$/, '');
};

describe('provider-format callbacks through a whole Kassa', () => {
  let kassa: TestKassa;
  let receiver: Receiver;
  let coinspaid: Json;
  let cryptopay: Json;
  let invoice: Json;
  let paymentIds: string[] = [];

  const at = (path: string) => receiver.requests.filter((r) => r.path === path);
  const bodies = (path: string) => at(path).map((r) => JSON.parse(r.body) as Json);

  beforeAll(async () => {
    kassa = await startTestKassa();
    receiver = await startReceiver();
    // What CoinsPaid's handlers do before anything else: check the key, then the signature.
    receiver.respond = (r: ReceivedRequest) => {
      if (r.path !== '/coinspaid') return { status: 200 };
      const sig = createHmac('sha512', String(coinspaid?.secret)).update(r.body).digest('hex');
      const ok =
        r.headers['x-processing-key'] === coinspaid?.processing_key &&
        r.headers['x-processing-signature'] === sig;
      return { status: ok ? 200 : 403 };
    };
  });

  afterAll(async () => {
    await receiver?.close();
    await kassa?.stop();
  });

  it('shows a CoinsPaid endpoint its processing key beside the secret, and keeps it', async () => {
    const shop = `/api/v1/projects/${kassa.shopId}`;
    const patched = await kassa.api('PATCH', shop, {
      success_url: 'https://shop.example.com/thanks',
      fail_url: 'https://shop.example.com/sorry',
    });
    expect(patched.status).toBe(200);
    const a = await kassa.api('POST', `${shop}/webhook-endpoints`, {
      url: `${receiver.url}/coinspaid`,
      format: 'coinspaid',
    });
    expect(a.status).toBe(201);
    coinspaid = a.body;
    expect(coinspaid.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof coinspaid.processing_key).toBe('string');
    expect(coinspaid.processing_key.length).toBeGreaterThan(8);
    const b = await kassa.api('POST', `${shop}/webhook-endpoints`, {
      url: `${receiver.url}/cryptopay`,
      format: 'cryptopay',
    });
    cryptopay = b.body;
    expect(cryptopay.processing_key).toBeUndefined();

    const list = await kassa.api('GET', `${shop}/webhook-endpoints`);
    const listed = list.body.data.find((e: Json) => e.id === coinspaid.id);
    expect(listed.processing_key).toBe(coinspaid.processing_key);
    const rotated = await kassa.api(
      'POST',
      `${shop}/webhook-endpoints/${coinspaid.id}/rotate-secret`,
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.processing_key).toBe(coinspaid.processing_key);
    expect(rotated.body.secret).not.toBe(coinspaid.secret);
    coinspaid = { ...coinspaid, secret: rotated.body.secret };
  });

  it('lists every transaction, with stable integer ids, as the invoice is paid in parts', async () => {
    const created = await kassa.api('POST', '/api/v1/invoices', {
      shop_id: kassa.shopId,
      amount: '100',
      currency: 'USD',
      payment_currency: 'BTC',
      order_id: 'order-cp',
      test_mode: true,
    });
    expect(created.status).toBe(201);
    invoice = created.body;
    const due = units(invoice.quote.amount_due);
    const first = (due * 2n) / 5n;
    const second = (due * 4n) / 5n;
    const p1 = await kassa.api('POST', `/api/v1/invoices/${invoice.id}/test-payments`, {
      amount: btc(first),
      confirmed: false,
    });
    expect(p1.status).toBe(201);
    const c1 = await kassa.api(
      'POST',
      `/api/v1/invoices/${invoice.id}/test-payments/${p1.body.payment.id}/confirm`,
    );
    expect(c1.status).toBeLessThan(300);
    const p2 = await kassa.api('POST', `/api/v1/invoices/${invoice.id}/test-payments`, {
      amount: btc(second),
    });
    expect(p2.status).toBe(201);
    expect(p2.body.invoice.status).toBe('overpaid');
    paymentIds = [p1.body.payment.id, p2.body.payment.id];

    await receiver.waitFor(
      () =>
        bodies('/coinspaid').some((b) => b.x_kassa?.resolution === 'completed') &&
        bodies('/cryptopay').some((b) => b.data.status === 'completed'),
    );
    const cp = bodies('/coinspaid');
    const last = cp.find((b) => b.x_kassa.resolution === 'completed') as Json;
    expect(last.status).toBe('confirmed');
    expect(last.transactions.map((t: Json) => t.x_kassa.payment_id)).toEqual(paymentIds);
    expect(last.transactions.map((t: Json) => t.amount)).toEqual([btc(first), btc(second)]);
    expect(last.transactions.map((t: Json) => typeof t.confirmations)).toEqual([
      'string',
      'string',
    ]);
    expect(last.currency_sent).toEqual({
      currency: 'BTC',
      amount: invoice.quote.amount_due,
      remaining_amount: '0',
    });
    expect(last.currency_received).toEqual({ currency: 'USD', amount: '100.00' });
    expect(last.x_kassa).toMatchObject({
      received: btc(first + second),
      received_unconfirmed: '0',
      remaining: '0',
    });
    // The first payment keeps its integer id in every callback; the invoice keeps its own.
    const idOf = new Map<string, number>();
    for (const b of cp) {
      expect(b.id).toBe(cp[0]?.id);
      expect(Number.isSafeInteger(b.id)).toBe(true);
      expect(b.fixed_at).toBe(Math.floor(Date.parse(invoice.quote.fixed_at) / 1000));
      for (const t of b.transactions as Json[]) {
        const seen = idOf.get(t.x_kassa.payment_id);
        if (seen !== undefined) expect(t.id).toBe(seen);
        idOf.set(t.x_kassa.payment_id, t.id);
      }
    }
    expect(new Set(idOf.values()).size).toBe(2);
    // A partial step names both the amount still owed and the part received.
    const partial = cp.find((b) => b.x_kassa.status === 'partial') as Json;
    expect(partial.currency_sent.remaining_amount).toBe(btc(due - first));
    expect(partial.transactions).toHaveLength(1);
  });

  it('gets a 200 from the CoinsPaid-style handler for every callback', async () => {
    for (const r of at('/coinspaid'))
      expect(r.headers['x-processing-key']).toBe(coinspaid.processing_key);
    const deliveries = async () => {
      const res = await kassa.api('GET', `/api/v1/invoices/${invoice.id}/deliveries`);
      return (res.body.data as Json[]).filter((d) => d.endpoint_id === coinspaid.id);
    };
    const until = Date.now() + 10_000;
    while (!(await deliveries()).every((d) => d.status === 'delivered') && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    const mine = await deliveries();
    expect(mine.length).toBe(at('/coinspaid').length);
    for (const d of mine) {
      expect(d).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(d.last_attempt.response_code).toBe(200);
    }
  });

  it('completes the Cryptopay invoice with the project redirects and keeps the overpaid context', () => {
    const last = bodies('/cryptopay').find((b) => b.data.status === 'completed') as Json;
    expect(last.data).toMatchObject({
      id: invoice.id,
      custom_id: 'order-cp',
      status: 'completed',
      status_context: 'overpaid',
      success_redirect_url: 'https://shop.example.com/thanks',
      unsuccess_redirect_url: 'https://shop.example.com/sorry',
      fee: '0',
      fee_currency: 'BTC',
      price_amount: '100.00',
      pay_amount: invoice.quote.amount_due,
    });
    expect(last.data.transactions).toHaveLength(2);
    for (const r of at('/cryptopay'))
      expect(r.headers['x-cryptopay-signature']).toBe(
        createHmac('sha256', String(cryptopay.secret)).update(r.body).digest('hex'),
      );
  });
});
