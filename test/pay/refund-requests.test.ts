/**
 * Anyone holding a pay link can post the refund form. A flood of requests
 * (from several addresses, each under the per-address limit) makes one refund
 * request per address given, a handful at most, and one callback event each.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CUSTOMER_REFUND_REQUESTS } from '../../src/app/decisions.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { createInvoice } from './helpers.js';

interface Reply {
  status: number;
  body: any;
}

/** A form post to the pay page from a given loopback address (so per-address limits stay out of it). */
function post(k: TestKassa, path: string, form: string, from: string): Promise<Reply> {
  const url = new URL(k.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: 'POST',
        localAddress: from,
        agent: false,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(form);
  });
}

describe('refund requests from the payment page', () => {
  let k: TestKassa;
  beforeAll(async () => {
    k = await startTestKassa();
  });
  afterAll(async () => k?.stop());

  async function lateInvoice() {
    const inv = await createInvoice(k, { payment_currency: 'USDT_TRC20', expires_in: 600 });
    const paid = await post(k, `/pay/${inv.id}/test-payment`, 'kind=late', '127.0.0.1');
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    return inv.id as string;
  }

  const rows = async (id: string) =>
    (await k.api('GET', `/api/v1/invoices/${id}/refunds`)).body.data as { address: string }[];
  const events = async (id: string) =>
    (
      await k.store.db
        .selectFrom('events')
        .select('id')
        .where('invoice_id', '=', id)
        .where('type', '=', 'invoice.refund_requested')
        .execute()
    ).length;

  it('makes one request and one event however often the same address is sent', async () => {
    const id = await lateInvoice();
    const sends = [];
    for (let i = 0; i < 60; i++) {
      sends.push(
        post(k, `/pay/${id}/refund`, 'address=test_refund_address_42', `127.0.0.${10 + (i % 6)}`),
      );
    }
    const replies = await Promise.all(sends);
    expect(replies.map((r) => r.status)).toEqual(Array(60).fill(200));
    expect((await rows(id)).map((r) => r.address)).toEqual(['test_refund_address_42']);
    expect(await events(id)).toBe(1);
  });

  it(`takes at most ${MAX_CUSTOMER_REFUND_REQUESTS} different addresses per invoice`, async () => {
    const id = await lateInvoice();
    const replies: Reply[] = [];
    for (let i = 0; i < 20; i++) {
      replies.push(
        await post(
          k,
          `/pay/${id}/refund`,
          `address=test_refund_address_${i}`,
          `127.0.0.${20 + (i % 4)}`,
        ),
      );
    }
    expect(replies.slice(0, MAX_CUSTOMER_REFUND_REQUESTS).map((r) => r.status)).toEqual(
      Array(MAX_CUSTOMER_REFUND_REQUESTS).fill(200),
    );
    for (const r of replies.slice(MAX_CUSTOMER_REFUND_REQUESTS)) {
      expect(r.status).toBe(429);
      expect(r.body.error.code).toBe('rate_limited');
    }
    expect(await rows(id)).toHaveLength(MAX_CUSTOMER_REFUND_REQUESTS);
    expect(await events(id)).toBe(MAX_CUSTOMER_REFUND_REQUESTS);
    // An address already given is still answered as accepted.
    expect(
      (await post(k, `/pay/${id}/refund`, 'address=test_refund_address_0', '127.0.0.30')).status,
    ).toBe(200);
    expect(await rows(id)).toHaveLength(MAX_CUSTOMER_REFUND_REQUESTS);
  });
});
