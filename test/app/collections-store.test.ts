/**
 * Wrong coins in the collection store, on both engines (embedded SQLite and the
 * PostgreSQL service at 127.0.0.1:5432): recorded once, offered for collection,
 * marked by the collect that swept them, released by an orphaned collect, and
 * forgotten when a reorg removes their block.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvoice } from '../../src/app/invoices.js';
import type { CollectionRecord, UnexpectedDeposit } from '../../src/app/ports/collections.js';
import { collectionRepository } from '../../src/store/collection-repository.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`wrong coins in the collection store on ${engine}`, () => {
    let k: TestKassa;
    let pgdb: TestDatabase | undefined;

    beforeAll(async () => {
      if (engine === 'postgres') pgdb = await createTestDatabase('kassa_unexpected');
      k = await startTestKassa(pgdb ? { DATABASE_URL: pgdb.url } : {});
      expect(k.store.engine).toBe(engine);
    }, 60_000);
    afterAll(async () => {
      await k?.stop();
      await pgdb?.drop();
    });

    it('records, offers, marks, releases and forgets a wrong coin', async () => {
      const accountId = (await k.ctx.store.projects.get(k.shopId))!.accountId;
      const { invoice } = await createInvoice(k.ctx, {
        accountId,
        shopId: k.shopId,
        amount: '100',
        paymentCurrency: 'USDT_ERC20',
      });
      // Collections concern live invoices only.
      await k.store.db
        .updateTable('invoices')
        .set({ test_mode: 0 })
        .where('id', '=', invoice.id)
        .execute();
      const quote = (await k.ctx.store.quotes.active(invoice.id))!;
      const repo = collectionRepository(k.store.db);
      const huge = 5n * 10n ** 30n;
      const deposit: UnexpectedDeposit = {
        id: `unx_${engine}`,
        chain: 'ETH',
        txid: `0xfeed${engine}`,
        index: -1,
        invoiceId: invoice.id,
        quoteId: quote.id,
        address: quote.address,
        currency: 'ETH',
        amount: huge,
        blockHash: '0xb1',
        blockHeight: 10,
        collectionId: null,
        createdAt: 1_000,
      };
      await repo.saveUnexpected(deposit);
      // Read again from a replacing block: the same row, moved.
      await repo.saveUnexpected({
        ...deposit,
        id: 'unx_other',
        blockHash: '0xb2',
        blockHeight: 11,
      });
      const listed = await repo.listUnexpected(accountId, 10);
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({
        id: deposit.id,
        currency: 'ETH',
        expectedCurrency: 'USDT_ERC20',
        amount: huge,
        blockHash: '0xb2',
        blockHeight: 11,
        collectionId: null,
      });
      const offered = async () =>
        (await repo.uncollected('ETH')).filter((p) => p.paymentId === deposit.id);
      expect(await offered()).toEqual([
        expect.objectContaining({
          unexpected: true,
          amount: huge,
          currency: 'ETH',
          confirmed: true,
        }),
      ]);

      const record: CollectionRecord = {
        id: `col_${engine}`,
        chain: 'ETH',
        txid: `0xc011ec7${engine}`,
        factory: '0x0000000000000000000000000000000000000f00',
        treasury: '0x0000000000000000000000000000000000000a11',
        sender: '0x0000000000000000000000000000000000000b0b',
        status: 'mined',
        blockHeight: 12,
        blockHash: '0xb3',
        gasUsed: 50_000n,
        gasPrice: 1n,
        fee: 50_000n,
        createdAt: 2_000,
        items: [
          {
            paymentId: deposit.id,
            invoiceId: invoice.id,
            address: quote.address,
            currency: 'ETH',
            amount: huge,
            unexpected: true,
          },
        ],
      };
      await repo.save(record);
      expect(await offered()).toEqual([]);
      const [shown] = await repo.list(accountId, 10);
      expect(shown!.items).toEqual([
        expect.objectContaining({ paymentId: deposit.id, unexpected: true }),
      ]);
      expect((await repo.listUnexpected(accountId, 10))[0]!.collectionId).toBe(record.id);

      // The collect left the chain: the coin waits on its address again.
      await repo.orphanFrom('ETH', 12, 3_000);
      expect(await offered()).toHaveLength(1);
      // Its own block left the chain: forgotten until the watcher reads the replacement.
      await repo.unexpectedDisconnected('ETH', 11);
      expect(await offered()).toEqual([]);
      expect(await repo.listUnexpected(accountId, 10)).toEqual([]);
    });
  });
}
