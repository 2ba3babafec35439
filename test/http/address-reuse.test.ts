/**
 * Address policy: an index is never handed out twice, an expired address is
 * not reused unless the operator opts in (and then only after the cool-down
 * and the late-payment window), and reaching the wallet's gap limit warns the
 * merchant instead of refusing invoices.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime.js';
import { startTestKassa } from '../support/kassa.js';

const ZPUB =
  'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
// BIP84's published vectors for the first receive addresses of this account.
const BIP84 = [
  'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
  'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g',
  'bc1qp59yckz4ae5c4efgw2s5wfyvrz0ala7rgvuz8z',
];
const HOUR = 3600_000;

function testClock() {
  return {
    t: Date.now(),
    now() {
      return this.t;
    },
  };
}

async function startWithWallet(env: Record<string, string>, clock: { now(): number }) {
  let lines = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines += chunk.toString();
      done();
    },
  });
  const k = await startTestKassa(env, { clock, logger: createLogger({ LOG_LEVEL: 'warn' }, sink) });
  const r = await k.api('PATCH', `/api/v1/projects/${k.shopId}`, {
    wallets: { BTC: { key: ZPUB, gap_limit: 2 } },
  });
  expect(r.status).toBe(200);
  const create = () =>
    k.api('POST', '/api/v1/invoices', {
      shop_id: k.shopId,
      amount: '10.00',
      payment_currency: 'BTC',
      test_mode: false,
      expires_in: 3600,
    });
  /** The expiry scheduler runs every second; wait until it has closed the invoices. */
  async function expired(...ids: string[]) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const states = await Promise.all(
        ids.map(async (id) => (await k.api('GET', `/api/v1/invoices/${id}`)).body.status),
      );
      if (states.every((s) => s === 'canceled') || Date.now() > deadline) return states;
      await new Promise((res) => setTimeout(res, 100));
    }
  }
  async function pay(address: string, amount: string, txByte: string) {
    await k.ledger.recordTransfer({
      chain: 'BTC',
      txid: txByte.repeat(32),
      index: 0,
      address,
      currency: 'BTC',
      amount: BigInt(amount),
      blockHash: 'bb'.repeat(32),
      blockHeight: 100,
    });
    await k.ledger.tipChanged('BTC', 100);
  }
  return { k, create, expired, pay, logs: () => lines };
}

describe('address policy by default: never reused, gap limit is a warning', () => {
  const clock = testClock();
  let w: Awaited<ReturnType<typeof startWithWallet>>;
  beforeAll(async () => {
    w = await startWithWallet({}, clock);
  });
  afterAll(async () => w?.k.stop());

  it('keeps creating invoices beyond the gap limit and warns in the log and the metrics', async () => {
    const made = [await w.create(), await w.create(), await w.create()];
    expect(made.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(made.map((r) => r.body.quote.address)).toEqual(BIP84);

    const warning = w
      .logs()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((l) => l.event === 'wallet.gap_limit_exceeded');
    expect(warning).toMatchObject({ chain: 'BTC', index: 2, gap: 3, gapLimit: 2, level: 40 });
    expect(w.logs()).not.toContain(ZPUB);

    const metrics = await (await fetch(`${w.k.url}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(
        `kassa_wallet_gap_limit_exceeded_total\\{project="${w.k.shopId}",chain="BTC"\\} 1`,
      ),
    );
    expect(metrics).toMatch(
      new RegExp(`kassa_wallet_address_gap\\{project="${w.k.shopId}",chain="BTC"\\} 3`),
    );
  });

  it('never hands out an expired address again, however long ago it expired', async () => {
    clock.t += 2 * HOUR;
    const before = await w.k.store.db
      .selectFrom('address_allocations')
      .select('invoice_id')
      .execute();
    await w.expired(...before.map((r) => r.invoice_id));
    clock.t += 365 * 24 * HOUR;
    const next = await w.create();
    expect(next.status).toBe(201);
    expect(BIP84).not.toContain(next.body.quote.address);
    const held = await w.k.store.db
      .selectFrom('address_allocations')
      .select('idx')
      .where('invoice_id', '=', next.body.id)
      .executeTakeFirstOrThrow();
    expect(Number(held.idx)).toBe(3);
  });

  it('a payment resets the gap the metric reports', async () => {
    const inv = await w.create();
    await w.pay(inv.body.quote.address, inv.body.quote.amount_due_units, 'a1');
    const metrics = await (await fetch(`${w.k.url}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(`kassa_wallet_address_gap\\{project="${w.k.shopId}",chain="BTC"\\} 0`),
    );
  });
});

describe('opt-in reuse after a cool-down', () => {
  const clock = testClock();
  let w: Awaited<ReturnType<typeof startWithWallet>>;
  beforeAll(async () => {
    w = await startWithWallet(
      { ADDRESS_REUSE_COOLDOWN_HOURS: '24', LATE_PAYMENT_WINDOW_HOURS: '48' },
      clock,
    );
  });
  afterAll(async () => w?.k.stop());

  it('reuses an expired, never-paid address only after both the cool-down and the late-payment window', async () => {
    const a = await w.create();
    const b = await w.create();
    expect([a.body.quote.address, b.body.quote.address]).toEqual([BIP84[0], BIP84[1]]);

    clock.t += 2 * HOUR;
    await w.expired(a.body.id, b.body.id);
    // Past the cool-down but still inside the late-payment window: a fresh address.
    clock.t += 25 * HOUR;
    const early = await w.create();
    expect(early.status).toBe(201);
    expect(early.body.quote.address).toBe(BIP84[2]);

    clock.t += 24 * HOUR;
    const reused = await w.create();
    expect(reused.status).toBe(201);
    expect([BIP84[0], BIP84[1]]).toContain(reused.body.quote.address);
    expect((await w.k.api('GET', `/api/v1/invoices/${a.body.id}`)).body.status).toBe('canceled');

    // Paid on chain: that address belongs to its invoice for good.
    await w.pay(reused.body.quote.address, reused.body.quote.amount_due_units, 'aa');
    expect((await w.k.api('GET', `/api/v1/invoices/${reused.body.id}`)).body.status).toBe('paid');
    const other = await w.create();
    expect(other.status).toBe(201);
    expect(other.body.quote.address).not.toBe(reused.body.quote.address);
    expect([BIP84[0], BIP84[1]]).toContain(other.body.quote.address);
    clock.t += 60 * HOUR;
    await w.expired(other.body.id);
    // Released first, reused first: the early one, then the one just expired.
    const next = [await w.create(), await w.create()];
    expect(next.map((r) => r.body.quote.address)).toEqual([
      early.body.quote.address,
      other.body.quote.address,
    ]);
  });
});
