/**
 * Two Kassa processes' payment writes for the same invoice racing on one
 * PostgreSQL: two watchers recording the same transfer and confirmation, and a
 * watcher's payment against the other process's expiry recheck. Every order
 * ends in one consistent invoice, with the payment kept once and every event
 * (and its delivery) written once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recheckDue } from '../../src/app/recheck.js';
import type { ObservedTransfer } from '../../src/app/ports/chain.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { deliveryRows } from '../callbacks/helpers/fixtures.js';

const ROUNDS = 12;

describe('payment writes racing on PostgreSQL', () => {
  let db: TestDatabase;
  let receiver: Receiver;
  let a: TestKassa;
  let b: TestKassa;
  let skewMs = 0;
  const clock = { now: () => Date.now() + skewMs };

  beforeAll(async () => {
    db = await createTestDatabase('kassa_race');
    receiver = await startReceiver();
    const env = {
      DATABASE_URL: db.url,
      KASSA_DEMO_API_KEY: 'kassa_race_test_key_0123456789',
      KASSA_DEMO_SHOP_ID: 'raceshop',
    };
    a = await startTestKassa(env, { clock });
    b = await startTestKassa({ ...env, KASSA_ROLES: 'api' }, { clock });
    const ep = await a.api('POST', '/api/v1/projects/raceshop/webhook-endpoints', {
      url: `${receiver.url}/hook`,
      format: 'native',
    });
    expect(ep.status, JSON.stringify(ep.body)).toBe(201);
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await receiver?.close();
    await db?.drop();
  });

  async function newInvoice(expiresIn?: number) {
    const r = await a.api('POST', '/api/v1/invoices', {
      shop_id: 'raceshop',
      amount: '25',
      currency: 'USD',
      payment_currency: 'USDT_TRC20',
      ...(expiresIn === undefined ? {} : { expires_in: expiresIn }),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const quote = (await a.ctx.store.quotes.active(r.body.id as string))!;
    return { id: r.body.id as string, quote };
  }

  const transferTo = (
    quote: Awaited<ReturnType<typeof newInvoice>>['quote'],
    height: number,
  ): ObservedTransfer => ({
    chain: quote.chain,
    txid: `tx-${quote.id}`,
    index: 0,
    address: quote.address,
    currency: quote.currency,
    amount: quote.amountDue,
    blockHash: `block-${height}`,
    blockHeight: height,
  });

  async function eventsOf(id: string) {
    return a.store.db
      .selectFrom('events')
      .select(['id', 'type', 'data'])
      .where('invoice_id', '=', id)
      .orderBy('id')
      .execute();
  }

  async function expectOneOfEach(id: string) {
    const payments = await a.ctx.store.payments.forInvoice(id);
    expect(payments).toHaveLength(1);
    const events = await eventsOf(id);
    const count = (type: string) => events.filter((e) => e.type === type).length;
    const types = events.map((e) => e.type).join(', ');
    expect(count('payment.seen'), types).toBe(1);
    expect(count('payment.confirmed'), types).toBe(1);
    // Each status change is told once: no transition repeated, none to the status it left.
    const statuses = events
      .filter((e) => e.type === 'invoice.status_changed')
      .map((e) => (JSON.parse(e.data) as { invoice: { status: string } }).invoice.status);
    for (let i = 1; i < statuses.length; i++) expect(statuses[i]).not.toBe(statuses[i - 1]);
    expect(new Set(statuses).size).toBe(statuses.length);
    // One delivery per event for the one endpoint.
    const ids = new Set(events.map((e) => e.id));
    const deliveries = (await deliveryRows(a.store.db)).filter((d) => ids.has(d.event_id));
    expect(deliveries.map((d) => d.event_id).sort()).toEqual(events.map((e) => e.id).sort());
    return { payments, events };
  }

  it('two watchers record the same transfer and its confirmations at once: one payment, each event once', async () => {
    const invoices = await Promise.all(Array.from({ length: ROUNDS }, () => newInvoice()));
    for (const { quote } of invoices) {
      const t = transferTo(quote, 100);
      await Promise.all([a.ledger.recordTransfer(t), b.ledger.recordTransfer(t)]);
    }
    const chain = invoices[0]!.quote.chain;
    const tip = 100 + invoices[0]!.quote.requiredConfirmations - 1;
    await Promise.all([a.ledger.tipChanged(chain, tip), b.ledger.tipChanged(chain, tip)]);
    for (const { id, quote } of invoices) {
      const { payments } = await expectOneOfEach(id);
      expect(payments[0]).toMatchObject({
        amount: quote.amountDue,
        confirmations: quote.requiredConfirmations,
      });
      expect((await a.ctx.store.invoices.get(id))!.status).toBe('paid');
    }
  });

  it("a watcher's confirmed payment and the other process's expiry recheck: one consistent result", async () => {
    const invoices = await Promise.all(Array.from({ length: ROUNDS }, () => newInvoice(60)));
    skewMs = 120_000;
    try {
      await Promise.all([
        ...invoices.map(({ quote }) => {
          const t = transferTo(quote, 200);
          return a.ledger.recordTransfer(t);
        }),
        recheckDue(b.ctx),
      ]);
      const chain = invoices[0]!.quote.chain;
      const tip = 200 + invoices[0]!.quote.requiredConfirmations - 1;
      await Promise.all([
        a.ledger.tipChanged(chain, tip),
        b.ledger.tipChanged(chain, tip),
        recheckDue(a.ctx),
        recheckDue(b.ctx),
      ]);
      for (const { id, quote } of invoices) {
        const { payments } = await expectOneOfEach(id);
        expect(payments[0]!.amount).toBe(quote.amountDue);
        const inv = (await a.ctx.store.invoices.get(id))!;
        // Whichever came first, the payment arrived after the expiry: paid late, in full.
        expect({ status: inv.status, context: inv.context }).toEqual({
          status: 'paid',
          context: 'paid_late',
        });
        expect(inv.receivedConfirmed).toBe(quote.amountDue);
      }
    } finally {
      skewMs = 0;
    }
  });
  it('two watchers see the same reorg at once: the payment is taken back and told of once', async () => {
    const invoices = await Promise.all(Array.from({ length: ROUNDS }, () => newInvoice()));
    const chain = invoices[0]!.quote.chain;
    const tip = 300 + invoices[0]!.quote.requiredConfirmations - 1;
    for (const { quote } of invoices) await a.ledger.recordTransfer(transferTo(quote, 300));
    await a.ledger.tipChanged(chain, tip);
    await Promise.all([
      a.ledger.blocksDisconnected(chain, 300),
      b.ledger.blocksDisconnected(chain, 300),
    ]);
    for (const { id } of invoices) {
      const events = await eventsOf(id);
      expect(events.filter((e) => e.type === 'payment.unconfirmed')).toHaveLength(1);
      const [p] = await a.ctx.store.payments.forInvoice(id);
      expect(p).toMatchObject({ blockHeight: null, confirmations: 0, dropped: false });
      expect((await a.ctx.store.invoices.get(id))!.status).toBe('pending');
    }
  });
});
