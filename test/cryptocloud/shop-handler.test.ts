/**
 * The CryptoCloud postback as a shop receives it. A real local HTTP server runs
 * what CMS payment modules run: verify the JWT `token` with the project's secret
 * key, and if `status == "success"` mark the order paid. Over partial, late,
 * expired, overpaid, refunded and reorged invoices, the order must be marked
 * paid exactly when the invoice is paid in CryptoCloud's sense, with exactly one
 * success postback per invoice, and `info` must say the same thing.
 */
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recheckDue } from '../../src/app/recheck.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { cc } from './helpers.js';

class FakeClock {
  constructor(public t = Date.now()) {}
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

interface Shop {
  /** order_id -> marked paid */
  paidOrders: Set<string>;
  /** invoice_id -> number of verified "success" postbacks */
  successes: Map<string, number>;
  rejected: number;
}

/** What WooCommerce/WHMCS/OpenCart modules do with a postback, JSON or form. */
function cmsHandler(secretKey: string, shop: Shop) {
  return (req: { headers: Record<string, unknown>; body: string }) => {
    const fields: Record<string, unknown> = String(req.headers['content-type']).includes('json')
      ? (JSON.parse(req.body) as Record<string, unknown>)
      : Object.fromEntries(new URLSearchParams(req.body));
    try {
      const claims = jwt.verify(String(fields.token), secretKey, {
        algorithms: ['HS256'],
      }) as jwt.JwtPayload;
      if (claims.id !== fields.invoice_id) throw new Error('token for another invoice');
    } catch {
      shop.rejected++;
      return { status: 400 };
    }
    if (fields.status === 'success') {
      shop.paidOrders.add(String(fields.order_id));
      const id = String(fields.invoice_id);
      shop.successes.set(id, (shop.successes.get(id) ?? 0) + 1);
    }
    return { status: 200 };
  };
}

describe('CryptoCloud postbacks seen by a CMS-style shop handler', () => {
  const clock = new FakeClock();
  let k: TestKassa;
  let receiver: Receiver;
  const shop: Shop = { paidOrders: new Set(), successes: new Map(), rejected: 0 };

  beforeAll(async () => {
    receiver = await startReceiver();
    k = await startTestKassa({}, { clock });
    receiver.respond = cmsHandler(k.secretKey, shop);
    for (const [path, contentType] of [
      ['/json', 'json'],
      ['/form', 'form'],
    ] as const) {
      const r = await k.api('POST', `/api/v1/projects/${k.shopId}/webhook-endpoints`, {
        url: `${receiver.url}${path}`,
        format: 'cryptocloud',
        content_type: contentType,
      });
      expect(r.status).toBe(201);
    }
  });
  afterAll(async () => {
    await k?.stop();
    await receiver?.close();
  });

  async function invoice(orderId: string, currency = 'USDT_TRC20') {
    const r = await cc(k, '/v2/invoice/create', {
      shop_id: k.shopId,
      amount: 10,
      order_id: orderId,
      add_fields: { cryptocurrency: currency, time_to_pay: { hours: 1, minutes: 0 } },
    });
    expect(r.status).toBe(200);
    return r.body.result.uuid as string;
  }
  const pay = async (uuid: string, body: Record<string, unknown>) => {
    const r = await k.api('POST', `/api/v1/invoices/${uuid}/test-payments`, body);
    expect(r.status).toBe(201);
  };
  const info = async (uuid: string) => {
    const r = await cc(k, '/v2/invoice/merchant/info', { uuids: [uuid] });
    expect(r.status).toBe(200);
    return r.body.result[0] as { status: string; invoice_status: string };
  };
  /** Deliveries are written with the state change, so this is final once the call returned. */
  const deliveries = async (uuid: string) => {
    const r = await k.api('GET', `/api/v1/invoices/${uuid}/deliveries`);
    expect(r.status).toBe(200);
    return (r.body.data as { status: string }[]).length;
  };
  /** Waits until every delivery of the invoice reached the shop, then reads the shop's books. */
  async function shopSees(uuid: string) {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const r = await k.api('GET', `/api/v1/invoices/${uuid}/deliveries`);
      const all = r.body.data as { status: string }[];
      if (all.every((d) => d.status === 'delivered')) break;
      if (Date.now() > deadline)
        throw new Error(`deliveries not delivered: ${JSON.stringify(all)}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    return shop.successes.get(uuid.slice(4)) ?? 0;
  }
  /** Both endpoints (JSON and form) got exactly `n` success postbacks each. */
  const expectSuccesses = async (uuid: string, n: number) =>
    expect(await shopSees(uuid)).toBe(2 * n);

  it('sends nothing for a partial payment and one success after the top-up', async () => {
    const uuid = await invoice('partial-topup');
    await pay(uuid, { amount: '4' });
    expect(await deliveries(uuid)).toBe(0);
    expect(await info(uuid)).toMatchObject({ status: 'partial', invoice_status: 'partial' });
    expect(shop.paidOrders.has('partial-topup')).toBe(false);

    await pay(uuid, {});
    await expectSuccesses(uuid, 1);
    expect(shop.paidOrders.has('partial-topup')).toBe(true);
    expect(await info(uuid)).toMatchObject({ status: 'paid', invoice_status: 'success' });

    // A further top-up makes it overpaid: the shop heard "success" already.
    await pay(uuid, { amount: '1' });
    expect(await info(uuid)).toMatchObject({ status: 'overpaid', invoice_status: 'success' });
    await expectSuccesses(uuid, 1);
  });

  it('sends nothing for an unconfirmed payment until it confirms', async () => {
    const uuid = await invoice('pending-first');
    await pay(uuid, { confirmed: false });
    expect(await deliveries(uuid)).toBe(0);
    expect(await info(uuid)).toMatchObject({ status: 'created', invoice_status: 'created' });
    const payments = await k.api('GET', `/api/v1/invoices/${uuid}/payments`);
    const r = await k.api(
      'POST',
      `/api/v1/invoices/${uuid}/test-payments/${payments.body.data[0].id}/confirm`,
    );
    expect(r.status).toBeLessThan(300);
    await expectSuccesses(uuid, 1);
    expect(shop.paidOrders.has('pending-first')).toBe(true);
  });

  it('finds the confirm endpoint it used documented in the OpenAPI description', async () => {
    const spec = (await (await fetch(`${k.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { description?: string }>>;
    };
    const op = spec.paths['/api/v1/invoices/{id}/test-payments/{paymentId}/confirm']?.post;
    expect(op?.description).toMatch(/confirmed": false/);
  });

  it('sends nothing for an underpaid invoice that expires, nor when it is refunded', async () => {
    const uuid = await invoice('underpaid');
    await pay(uuid, { amount: '4' });
    clock.advance(2 * 3600_000);
    await recheckDue(k.ctx);
    expect(await deliveries(uuid)).toBe(0);
    expect(await info(uuid)).toMatchObject({ status: 'partial', invoice_status: 'partial' });

    const refund = await k.api('POST', `/api/v1/invoices/${uuid}/refunds`, {
      amount: '4',
      currency: 'USDT_TRC20',
      address: 'TRefundAddress0001',
    });
    expect(refund.status).toBeLessThan(300);
    expect(await deliveries(uuid)).toBe(0);
    expect(await info(uuid)).toMatchObject({ status: 'canceled', invoice_status: 'canceled' });
    expect(shop.paidOrders.has('underpaid')).toBe(false);
  });

  it('sends nothing for a late payment until the merchant completes it, then one success', async () => {
    const uuid = await invoice('late');
    await pay(uuid, { late: true });
    expect(await deliveries(uuid)).toBe(0);
    const late = await info(uuid);
    expect(late.status).not.toMatch(/^(paid|overpaid)$/);
    expect(late.invoice_status).not.toBe('success');
    expect(shop.paidOrders.has('late')).toBe(false);

    const done = await k.api('POST', `/api/v1/invoices/${uuid}/complete`);
    expect(done.status).toBeLessThan(300);
    await expectSuccesses(uuid, 1);
    expect(shop.paidOrders.has('late')).toBe(true);
    expect(await info(uuid)).toMatchObject({ status: 'paid', invoice_status: 'success' });
  });

  it('sends one success for an overpaid invoice', async () => {
    const uuid = await invoice('overpaid');
    await pay(uuid, { amount: '15' });
    await expectSuccesses(uuid, 1);
    expect(shop.paidOrders.has('overpaid')).toBe(true);
    expect(await info(uuid)).toMatchObject({ status: 'overpaid', invoice_status: 'success' });
  });

  it('sends no second postback when a paid invoice is refunded', async () => {
    const uuid = await invoice('refunded');
    await pay(uuid, {});
    await expectSuccesses(uuid, 1);
    const refund = await k.api('POST', `/api/v1/invoices/${uuid}/refunds`, {
      amount: '10',
      currency: 'USDT_TRC20',
      address: 'TRefundAddress0002',
    });
    expect(refund.status).toBeLessThan(300);
    expect(await info(uuid)).toMatchObject({ status: 'canceled', invoice_status: 'canceled' });
    await expectSuccesses(uuid, 1);
  });

  it('sends one success when a reorg takes the payment out of its block and it is mined again', async () => {
    const uuid = await invoice('reorg', 'BTC');
    const inv = (await k.ctx.store.invoices.byShortId(uuid.slice(4)))!;
    const quote = (await k.ctx.store.quotes.active(inv.id))!;
    const transfer = {
      chain: 'test',
      txid: randomBytes(32).toString('hex'),
      index: 0,
      address: quote.address,
      currency: 'BTC',
      amount: quote.amountDue,
    };
    await k.ledger.recordTransfer({ ...transfer, blockHash: 'blk-a', blockHeight: 900 });
    await k.ledger.tipChanged('test', 900);
    await expectSuccesses(uuid, 1);

    await k.ledger.blocksDisconnected('test', 900);
    expect(await info(uuid)).toMatchObject({ status: 'created' });
    await k.ledger.recordTransfer({ ...transfer, blockHash: 'blk-b', blockHeight: 900 });
    await k.ledger.tipChanged('test', 900);
    expect(await info(uuid)).toMatchObject({ status: 'paid', invoice_status: 'success' });
    await expectSuccesses(uuid, 1);
  });

  it('never rejected a token, and every order the shop marked paid is paid in info', async () => {
    expect(shop.rejected).toBe(0);
    expect([...shop.paidOrders].sort()).toEqual(
      ['late', 'overpaid', 'partial-topup', 'pending-first', 'refunded', 'reorg'].sort(),
    );
  });
});
