/**
 * The wallet's gap limit is never exceeded: addresses of invoices that expired
 * unpaid are reused after the cool-down, and paid ones never are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKassa, type TestKassa } from '../support/kassa.js';

const ZPUB =
  'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
const BIP84 = [
  'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
  'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g',
  'bc1qp59yckz4ae5c4efgw2s5wfyvrz0ala7rgvuz8z',
];
const HOUR = 3600_000;

describe('address allocation and the gap limit', () => {
  let k: TestKassa;
  const clock = {
    t: Date.now(),
    now() {
      return this.t;
    },
  };

  beforeAll(async () => {
    k = await startTestKassa({ ADDRESS_REUSE_COOLDOWN_HOURS: '24' }, { clock });
    const r = await k.api('PATCH', `/api/v1/projects/${k.shopId}`, {
      wallets: { BTC: { key: ZPUB, gap_limit: 2 } },
    });
    expect(r.status).toBe(200);
  });
  afterAll(async () => k?.stop());

  const create = () =>
    k.api('POST', '/api/v1/invoices', {
      shop_id: k.shopId,
      amount: '10.00',
      payment_currency: 'BTC',
      test_mode: false,
      expires_in: 3600,
    });

  /** The expiry scheduler runs every second; wait until it has closed both invoices. */
  async function expiredBoth(...ids: string[]) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const states = await Promise.all(
        ids.map(async (id) => (await k.api('GET', `/api/v1/invoices/${id}`)).body.status),
      );
      if (states.every((s) => s === 'canceled') || Date.now() > deadline) return states;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('refuses more unpaid addresses than the gap limit, then reuses expired ones after the cool-down', async () => {
    const a = await create();
    const b = await create();
    expect([a.body.quote.address, b.body.quote.address]).toEqual([BIP84[0], BIP84[1]]);
    const refused = await create();
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toContain('gap limit');

    // Both expire unpaid; before the cool-down ends nothing is handed out again.
    clock.t += 2 * HOUR;
    await expiredBoth(a.body.id, b.body.id);
    const early = await create();
    expect(early.status).toBe(429);

    clock.t += 24 * HOUR;
    const reused = await create();
    expect(reused.status).toBe(201);
    expect([BIP84[0], BIP84[1]]).toContain(reused.body.quote.address);
    const expired = await k.api('GET', `/api/v1/invoices/${a.body.id}`);
    expect(expired.body.status).toBe('canceled');

    // Paid on chain: that address belongs to its invoice for good.
    await k.ledger.recordTransfer({
      chain: 'BTC',
      txid: 'aa'.repeat(32),
      index: 0,
      address: reused.body.quote.address,
      currency: 'BTC',
      amount: BigInt(reused.body.quote.amount_due_units),
      blockHash: 'bb'.repeat(32),
      blockHeight: 100,
    });
    await k.ledger.tipChanged('BTC', 100);
    expect((await k.api('GET', `/api/v1/invoices/${reused.body.id}`)).body.status).toBe('paid');
    const other = await create();
    expect(other.status).toBe(201);
    expect(other.body.quote.address).not.toBe(reused.body.quote.address);
    expect([BIP84[0], BIP84[1]]).toContain(other.body.quote.address);
    clock.t += 30 * HOUR;
    await expiredBoth(other.body.id);
    const next = await create();
    expect(next.body.quote.address).toBe(other.body.quote.address);
  });
});
