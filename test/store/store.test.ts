/**
 * The store's suite, run against both engines: embedded SQLite and the
 * PostgreSQL service at 127.0.0.1:5432 (real peers, same migrations and queries).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/app/ids.js';
import { createInvoice } from '../../src/app/invoices.js';
import type { Payment } from '../../src/domain/invoice.js';
import { chainCursorStore } from '../../src/store/chain-cursor-repository.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`store on ${engine}`, () => {
    let k: TestKassa;
    let pgdb: TestDatabase | undefined;

    beforeAll(async () => {
      if (engine === 'postgres') pgdb = await createTestDatabase('kassa_store');
      k = await startTestKassa(pgdb ? { DATABASE_URL: pgdb.url } : {});
      expect(k.store.engine).toBe(engine);
    });
    afterAll(async () => {
      await k?.stop();
      await pgdb?.drop();
    });

    async function invoiceWithQuote(currency = 'ETH') {
      const r = await createInvoice(k.ctx, {
        accountId: (await k.ctx.store.projects.get(k.shopId))!.accountId,
        shopId: k.shopId,
        amount: '100',
        paymentCurrency: currency,
      });
      return r.invoice;
    }

    it('runs every migration and reports ready', async () => {
      expect(await k.ctx.store.ready()).toBe(true);
    });

    it('keeps amounts exact beyond 64 bits', async () => {
      const inv = await invoiceWithQuote('ETH');
      const quote = (await k.ctx.store.quotes.active(inv.id))!;
      const huge = 123456789012345678901234567890123n;
      const p: Payment = {
        id: newId('pay'),
        invoiceId: inv.id,
        quoteId: quote.id,
        chain: 'test',
        txid: newId('tx'),
        outputIndex: 0,
        address: quote.address,
        amount: huge,
        blockHash: null,
        blockHeight: null,
        confirmations: 0,
        dropped: false,
        rbf: false,
        firstSeenAt: Date.now(),
      };
      expect(await k.ctx.store.transaction((uow) => uow.payments.insertIfNew(p))).toBe(true);
      const back = await k.ctx.store.payments.byKey('test', p.txid, 0);
      expect(back?.amount).toBe(huge);
      expect(typeof back?.amount).toBe('bigint');
    });

    it('records a payment once however often it is inserted, even concurrently', async () => {
      const inv = await invoiceWithQuote('BTC');
      const quote = (await k.ctx.store.quotes.active(inv.id))!;
      const base: Payment = {
        id: '',
        invoiceId: inv.id,
        quoteId: quote.id,
        chain: 'test',
        txid: newId('tx'),
        outputIndex: 3,
        address: quote.address,
        amount: 5n,
        blockHash: null,
        blockHeight: null,
        confirmations: 0,
        dropped: false,
        rbf: false,
        firstSeenAt: Date.now(),
      };
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          k.ctx.store.transaction((uow) => uow.payments.insertIfNew({ ...base, id: newId('pay') })),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(
        (await k.ctx.store.payments.forInvoice(inv.id)).filter((p) => p.txid === base.txid),
      ).toHaveLength(1);
    });

    it('creates one invoice for one order_id under concurrent requests', async () => {
      const accountId = (await k.ctx.store.projects.get(k.shopId))!.accountId;
      const orderId = `order-${newId('o')}`;
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          createInvoice(k.ctx, { accountId, shopId: k.shopId, amount: '10.00', orderId }),
        ),
      );
      const ids = new Set(results.map((r) => r.invoice.id));
      expect(ids.size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await k.ctx.store.invoices.count({ accountId, orderId, limit: 10 })).toBe(1);
    });

    it('never hands out one address index twice under concurrent quotes', async () => {
      const invoices = await Promise.all(Array.from({ length: 10 }, () => invoiceWithQuote('LTC')));
      const quotes = await Promise.all(invoices.map((i) => k.ctx.store.quotes.active(i.id)));
      const addresses = new Set(quotes.map((q) => q!.address));
      const indexes = new Set(quotes.map((q) => q!.derivationIndex));
      expect(addresses.size).toBe(10);
      expect(indexes.size).toBe(10);
    });

    it('pages invoices newest first by keyset and filters by status and time', async () => {
      const accountId = (await k.ctx.store.projects.get(k.shopId))!.accountId;
      const total = await k.ctx.store.invoices.count({ accountId, limit: 1000 });
      const seen: string[] = [];
      let before: { createdAt: number; id: string } | undefined;
      for (;;) {
        const page = await k.ctx.store.invoices.list({
          accountId,
          limit: 4,
          ...(before ? { before } : {}),
        });
        if (page.length === 0) break;
        seen.push(...page.map((i) => i.id));
        const last = page[page.length - 1]!;
        before = { createdAt: last.createdAt, id: last.id };
      }
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
      const created = await k.ctx.store.invoices.list({
        accountId,
        limit: 1000,
        statuses: ['created'],
      });
      expect(created.every((i) => i.status === 'created')).toBe(true);
      const future = await k.ctx.store.invoices.list({
        accountId,
        limit: 10,
        createdFrom: Date.now() + 60_000,
      });
      expect(future).toHaveLength(0);
    });

    it('keeps a chain cursor durable and rewinds it to the fork point', async () => {
      const cursor = chainCursorStore(k.store.db);
      const chain = `TEST-${engine}`;
      expect(await cursor.load(chain)).toBeNull();
      for (let h = 1; h <= 5; h++)
        await cursor.advance(chain, { height: h, hash: `h${h}`, parentHash: `h${h - 1}` });
      expect(await cursor.load(chain)).toEqual({ height: 5, hash: 'h5' });
      expect(await cursor.hashAt(chain, 3)).toBe('h3');
      await cursor.rewind(chain, 4);
      expect(await cursor.load(chain)).toEqual({ height: 3, hash: 'h3' });
      expect(await cursor.hashAt(chain, 4)).toBeNull();
      await cursor.prune(chain, 3);
      expect(await cursor.hashAt(chain, 2)).toBeNull();
    });

    it('stores API keys only as hashes', async () => {
      const rows = await k.store.db.selectFrom('api_keys').selectAll().execute();
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(r.key_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(JSON.stringify(r)).not.toContain(k.apiKey);
      }
    });
  });
}
